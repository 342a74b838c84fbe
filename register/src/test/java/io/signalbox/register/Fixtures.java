package io.signalbox.register;

import io.signalbox.state.IpAddress;
import java.util.TreeMap;

/** Registrations for tests. */
final class Fixtures {
    private Fixtures() {}

    static Registration registration(int rise, int fall, Registration.OnFailure onFailure) {
        IpAddress address = IpAddress.parse("address", "10.0.1.4");
        return new Registration("web", "web-4", address, 8000, 5, false, new TreeMap<>(), new CheckSpec.Tcp(address, 8000), 1_000, 1_000,
                rise, fall, onFailure);
    }

    static CheckResult pass() {
        return new CheckResult(true, "HTTP 200", 1);
    }

    static CheckResult fail() {
        return new CheckResult(false, "HTTP 503", 1);
    }
}
