package io.signalbox.testkit;

import io.signalbox.client.ClientSession;
import io.signalbox.client.SignalboxClient;
import io.signalbox.state.Command;
import java.util.Map;

/** A backend that registers itself with a session and then just lives; the test kills it with -9. */
public final class EphemeralRegistrar {
    private EphemeralRegistrar() {}

    public static void main(String[] args) throws InterruptedException {
        SignalboxClient client = SignalboxClient.connect(args[0]);
        ClientSession session = client.openSession(Integer.parseInt(args[2]));
        for (int i = 1; i <= 2; i++) {
            client.submit(new Command.RegisterServer(args[1], "ephemeral-" + i, "10.9.0." + i, 80, 5, "ready", false, Map.of(),
                    session.id(), null));
        }
        System.out.println("registered session " + session.id());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
