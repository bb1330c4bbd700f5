package io.segpipe.jobs.cli;

import java.util.Set;
import java.util.regex.Pattern;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;

/**
 * One {@code --set key.path=value} item as a one-key configuration.
 *
 * <p>The value is HOCON when it starts like HOCON structure ({@code "..."}, {@code [...]},
 * {@code {...}}, {@code ${...}}) or is a number, {@code true}, {@code false} or {@code null};
 * anything else is taken as written. Paths, URIs and globs therefore need no quotes:
 * {@code --set output=hdfs:///x} (as HOCON, {@code //} would start a comment) and
 * {@code --set images=/data/*.png} (HOCON does not allow {@code *} unquoted).
 */
final class Overrides {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Set<String> LITERALS = Set.of("true", "false", "null");

    private Overrides() {
    }

    /** {@code item} ({@code key.path=value}) as a configuration holding that key only. */
    static Config parse(String item) {
        int eq = item.indexOf('=');
        if (eq < 0) {
            throw new UserException("--set takes key=value, found '" + item + "'");
        }
        String key = item.substring(0, eq).strip();
        String value = item.substring(eq + 1).strip();
        if (!isPath(key) || isHocon(value)) {
            // a HOCON key=value item (or an item HOCON must judge, e.g. "master { workers = 2 }")
            try {
                return ConfigFactory.parseString(item);
            } catch (ConfigException e) {
                throw new UserException("cannot read --set " + item + ": " + e.getMessage(), e);
            }
        }
        return ConfigValueFactory.fromAnyRef(value, "--set " + item).atPath(key);
    }

    /** Whether {@code value} is written in HOCON rather than as a plain string. */
    static boolean isHocon(String value) {
        return value.startsWith("\"") || value.startsWith("[") || value.startsWith("{") || value.startsWith("${")
                || LITERALS.contains(value) || NUMBER.matcher(value).matches();
    }

    private static boolean isPath(String key) {
        try {
            return !key.isEmpty() && !ConfigUtil.splitPath(key).isEmpty();
        } catch (ConfigException e) {
            return false;
        }
    }
}
