package io.signalbox.ctl;

import io.signalbox.common.Zxid;
import io.signalbox.state.Balance;
import io.signalbox.state.Mode;
import io.signalbox.state.ServerState;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters of {@code ctl}'s option values: a bad value is a usage error (exit 2) that names
 * the value and what is allowed, before anything is sent. The choices are the state machine's
 * own enums, so help and completion list exactly what the leader accepts.
 */
final class CtlValues {
    private CtlValues() {}

    /** A zxid as ctl prints it ({@code EPOCH:COUNTER}) or as a plain number. */
    static final class ZxidConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                int colon = text.indexOf(':');
                if (colon > 0) {
                    return Zxid.of(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
                }
                return Long.parseLong(text);
            } catch (RuntimeException e) {
                throw new TypeConversionException("'" + text + "' is not a zxid: use EPOCH:COUNTER (as printed, e.g. 1:42) or a number");
            }
        }
    }

    /** One of a fixed set of lower-case words: converter and completion candidates at once. */
    abstract static class Choice implements ITypeConverter<String>, Iterable<String> {
        private final List<String> words;

        Choice(Enum<?>[] values) {
            this.words = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
        }

        @Override
        public String convert(String text) {
            String word = text.toLowerCase(Locale.ROOT);
            if (!words.contains(word)) {
                throw new TypeConversionException("'" + text + "' is not one of " + String.join(", ", words));
            }
            return word;
        }

        @Override
        public Iterator<String> iterator() {
            return words.iterator();
        }
    }

    static final class Modes extends Choice {
        Modes() {
            super(Mode.values());
        }
    }

    static final class Balances extends Choice {
        Balances() {
            super(Balance.values());
        }
    }

    static final class ServerStates extends Choice {
        ServerStates() {
            super(ServerState.values());
        }
    }
}
