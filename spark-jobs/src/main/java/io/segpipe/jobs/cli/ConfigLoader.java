package io.segpipe.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

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
 * The one adapter from configuration text to the typed config records: a HOCON file (or none),
 * then {@code key=value} overrides from the command line, resolved and bound to the record with
 * Jackson. The records own the option names, defaults (their builders) and validation; this class
 * only turns every way binding can fail into one message with the key path and what is allowed.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * @param type the config record
     * @param file HOCON or JSON file, or null for defaults plus overrides
     * @param overrides {@code key.path=value} items, applied in order after the file
     */
    public static <T> T load(Class<T> type, Path file, List<String> overrides) {
        Config config = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new UserException("configuration file " + file + " does not exist");
            }
            config = parse(() -> ConfigFactory.parseFile(file.toFile()), file.toString());
        }
        for (String override : overrides) {
            if (!override.contains("=")) {
                throw new UserException("--set takes key=value, found '" + override + "'");
            }
            Config one = parse(() -> ConfigFactory.parseString(override), "--set " + override);
            config = one.withFallback(config);
        }
        try {
            config = config.resolve();
        } catch (ConfigException e) {
            throw new UserException("configuration: " + e.getMessage(), e);
        }
        return bind(type, config.root().render(ConfigRenderOptions.concise()), file != null ? file.toString() : "--set");
    }

    /** Binds JSON to {@code type}, naming the key and the cause of any failure. */
    static <T> T bind(Class<T> type, String json, String source) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (UnrecognizedPropertyException e) {
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

    private static Config parse(java.util.function.Supplier<Config> parser, String source) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            throw new UserException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }
}
