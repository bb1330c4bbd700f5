package io.segpipe.jobs.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;

import io.segpipe.prep.Json;

/**
 * The one adapter from configuration text to the typed config records: a HOCON file (or none) on
 * any Hadoop file system ({@link ConfigFiles}), then {@code key=value} overrides from the command
 * line ({@link Overrides}), resolved and bound to the record with Jackson. The records own the
 * option names, defaults (their builders) and validation; this class only turns every way binding
 * can fail into one message with the key path and what is allowed.
 */
public final class ConfigLoader {
    private static final String GRADIENT_SHARING_REMOVED = "it set the gradient-sharing mode (SHARED_GRADIENTS),"
            + " which was removed (README, \"Training modes\"); delete the key";
    /**
     * Keys that configurations of earlier releases may still hold, with why they went: refused
     * like any unknown key, but with the reason, so that an old file fails with a message that
     * says what to do.
     */
    static final Map<String, String> RETIRED_KEYS = Map.of(
            "master.unicastPort", GRADIENT_SHARING_REMOVED,
            "master.networkMask", GRADIENT_SHARING_REMOVED,
            "master.controllerAddress", GRADIENT_SHARING_REMOVED,
            "master.updatesThreshold", GRADIENT_SHARING_REMOVED,
            "master.allowUntrustedNetwork", GRADIENT_SHARING_REMOVED);

    private ConfigLoader() {
    }

    /**
     * As {@link #load(Class, String, List, Configuration)} with the Hadoop configuration of this
     * process ({@link CliPaths#hadoopConfiguration}).
     */
    public static <T> T load(Class<T> type, String file, List<String> overrides) {
        return load(type, file, overrides, CliPaths.hadoopConfiguration());
    }

    /**
     * @param type the config record
     * @param file HOCON or JSON file (a Hadoop path or URI, see {@link ConfigFiles#locate}), or
     *             null for defaults plus overrides
     * @param overrides {@code key.path=value} items, applied in order after the file
     * @param hadoop the configuration to reach the file's file system with
     */
    public static <T> T load(Class<T> type, String file, List<String> overrides, Configuration hadoop) {
        Config config = ConfigFactory.empty();
        if (file != null) {
            config = ConfigFiles.parse(ConfigFiles.locate(file, hadoop), hadoop);
        }
        for (String override : overrides) {
            config = Overrides.parse(override).withFallback(config);
        }
        try {
            config = config.resolve();
        } catch (ConfigException e) {
            throw new UserException("configuration: " + e.getMessage(), e);
        }
        return bind(type, config.root().render(ConfigRenderOptions.concise()), file != null ? file : "--set");
    }

    /** Binds JSON to {@code type}, naming the key and the cause of any failure. */
    static <T> T bind(Class<T> type, String json, String source) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (UnrecognizedPropertyException e) {
            String retired = retired(path(e));
            if (retired != null) {
                throw new UserException(source + ": key '" + path(e) + "' is no longer read: " + retired, e);
            }
            String allowed = e.getKnownPropertyIds() == null ? "" : " (allowed: " + e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
            throw new UserException(source + ": unknown key '" + path(e) + "'" + allowed, e);
        } catch (InvalidFormatException e) {
            throw new UserException(source + ": key '" + path(e) + "': '" + e.getValue() + "' is not a valid "
                    + describe(e.getTargetType()), e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String at = path(e);
            throw new UserException(source + ": " + (at.isEmpty() ? "" : "in '" + at + "': ") + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new UserException(source + ": key '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new UserException(source + ": " + (path(e).isEmpty() ? "" : "key '" + path(e) + "': ")
                    + (cause == e ? e.getOriginalMessage() : cause.getMessage()), e);
        } catch (JsonProcessingException e) {
            throw new UserException(source + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Why {@code path} (at the top or nested, e.g. inside a retraining configuration) was retired; null if it was not. */
    private static String retired(String path) {
        return RETIRED_KEYS.entrySet().stream().filter(k -> path.equals(k.getKey()) || path.endsWith("." + k.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return type.getSimpleName() + " (allowed: " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(String::valueOf).collect(Collectors.joining(", ")) + ")";
        }
        return type.getSimpleName();
    }
}
