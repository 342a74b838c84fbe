package io.signalbox.state;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A 64-bit hash per entity over a canonical encoding of every field (UTF-8 strings, fixed
 * integers), the same on every JVM and locale. The state's digest is the sum of these.
 */
final class Digests {
    private Digests() {}

    static long of(Service s) {
        Hasher h = new Hasher(1).text(s.name()).number(s.mode().ordinal()).number(s.listenPort())
                .number(s.balance().ordinal()).number(s.connectTimeoutMs()).number(s.clientTimeoutMs())
                .number(s.serverTimeoutMs()).number(s.version());
        if (s.healthCheck() != null) {
            HealthCheck c = s.healthCheck();
            h.text(c.httpPath()).number(c.intervalMs()).number(c.rise()).number(c.fall());
        }
        return h.finish();
    }

    static long of(Server s) {
        Hasher h = new Hasher(2).text(s.service()).text(s.name()).bytes(s.address().bytes()).number(s.port())
                .number(s.weight()).number(s.state().ordinal()).number(s.backup() ? 1 : 0).number(s.sessionId())
                .number(s.version());
        for (Map.Entry<String, String> label : s.labels().entrySet()) {
            h.text(label.getKey()).text(label.getValue());
        }
        return h.finish();
    }

    static long of(Session s) {
        return new Hasher(3).number(s.id()).number(s.timeoutMs()).number(s.version()).finish();
    }

    static long of(String identity, Grant grant) {
        return new Hasher(4).text(identity).number(grant.role().ordinal()).text(grant.scope()).finish();
    }

    /** FNV-1a over length-prefixed fields, then a final avalanche. */
    private static final class Hasher {
        private long h = 0xcbf29ce484222325L;

        Hasher(int kind) {
            number(kind);
        }

        /** The UTF-8 bytes, length first; ASCII text (names, labels) is hashed from its chars, without encoding a copy. */
        Hasher text(String value) {
            int length = value.length();
            for (int i = 0; i < length; i++) {
                if (value.charAt(i) >= 0x80) {
                    return bytes(value.getBytes(StandardCharsets.UTF_8));
                }
            }
            number(length);
            for (int i = 0; i < length; i++) {
                h = (h ^ value.charAt(i)) * 0x100000001b3L;
            }
            return this;
        }

        Hasher bytes(byte[] value) {
            number(value.length);
            for (byte b : value) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
            return this;
        }

        Hasher number(long value) {
            for (int i = 0; i < 8; i++) {
                h = (h ^ ((value >>> (8 * i)) & 0xff)) * 0x100000001b3L;
            }
            return this;
        }

        long finish() {
            long x = h;
            x ^= x >>> 33;
            x *= 0xff51afd7ed558ccdL;
            x ^= x >>> 33;
            x *= 0xc4ceb9fe1a85ec53L;
            return x ^ (x >>> 33);
        }
    }
}
