package io.signalbox.state;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The injection rules of proxy-notes.md, as checks that name the field, the value and
 * the rule. Names, label keys and values are plain lower-case words; addresses are IP
 * literals; numbers are in range; there is no free-form text that reaches a proxy.
 */
final class Validation {
    static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]{0,62}$");
    static final Pattern LABEL_VALUE = Pattern.compile("^[a-z0-9][a-z0-9_.-]{0,62}$");
    static final Pattern HTTP_PATH = Pattern.compile("^/[A-Za-z0-9._~/-]*$");

    private Validation() {}

    /**
     * {@link #NAME} without the regex engine: every command names a service and a server, and
     * the matcher was the largest part of validating one on the leader.
     */
    static boolean isName(String value) {
        return value != null && isWord(value, false);
    }

    /** {@link #LABEL_VALUE}, the same way. */
    static boolean isLabelValue(String value) {
        return value != null && isWord(value, true);
    }

    /** A lower-case letter (or, for a label value, a digit) then up to 62 of [a-z0-9_-] (and '.' in a label value). */
    private static boolean isWord(String value, boolean labelValue) {
        int length = value.length();
        if (length == 0 || length > 63) {
            return false;
        }
        char first = value.charAt(0);
        if (!(first >= 'a' && first <= 'z' || labelValue && first >= '0' && first <= '9')) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || labelValue && c == '.')) {
                return false;
            }
        }
        return true;
    }

    static String name(String field, String value) {
        if (!isName(value)) {
            throw new Rejection(field, Rejection.quote(value) + " is not a valid name: it must match ^[a-z][a-z0-9_-]{0,62}$");
        }
        return value;
    }

    static int port(String field, int value) {
        if (value < 1 || value > 65_535) {
            throw new Rejection(field, value + " is not a port: allowed 1..65535");
        }
        return value;
    }

    static int weight(String field, int value) {
        if (value < 0 || value > 256) {
            throw new Rejection(field, value + " is not a weight: allowed 0..256");
        }
        return value;
    }

    static int range(String field, int value, int min, int max, String unit) {
        if (value < min || value > max) {
            throw new Rejection(field, value + " is out of range: allowed " + min + ".." + max + unit);
        }
        return value;
    }

    static <E extends Enum<E>> E choice(String field, String value, Class<E> type) {
        if (value != null) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return constant;
                }
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new Rejection(field, Rejection.quote(value) + " is not allowed: one of " + allowed);
    }

    static HealthCheck healthCheck(String field, HealthCheck check, Mode mode, Limits limits) {
        if (check == null) {
            return null;
        }
        String path = check.httpPath() == null ? "" : check.httpPath();
        if (!path.isEmpty()) {
            if (mode == Mode.TCP) {
                throw new Rejection(field + ".httpPath", Rejection.quote(path) + " is not allowed for a tcp service: use an empty path (TCP check)");
            }
            if (path.length() > limits.healthPathLengthMax() || !HTTP_PATH.matcher(path).matches()) {
                throw new Rejection(field + ".httpPath", Rejection.quote(path) + " is not a safe path: it must match ^/[A-Za-z0-9._~/-]*$ and have at most "
                        + limits.healthPathLengthMax() + " characters");
            }
        }
        range(field + ".intervalMs", check.intervalMs(), 100, 3_600_000, " ms");
        range(field + ".rise", check.rise(), 1, 100, "");
        range(field + ".fall", check.fall(), 1, 100, "");
        return new HealthCheck(path, check.intervalMs(), check.rise(), check.fall());
    }

    static void labels(String field, Map<String, String> labels, Limits limits) {
        if (labels == null) {
            return;
        }
        if (labels.size() > limits.labelsPerServerMax()) {
            throw new Rejection(field, labels.size() + " labels are too many: at most " + limits.labelsPerServerMax());
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            name(field + ".key", label.getKey());
            String value = label.getValue();
            if (!isLabelValue(value)) {
                throw new Rejection(field + "." + label.getKey(), Rejection.quote(value)
                        + " is not a valid label value: it must match ^[a-z0-9][a-z0-9_.-]{0,62}$");
            }
        }
    }
}
