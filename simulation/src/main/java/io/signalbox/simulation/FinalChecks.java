package io.signalbox.simulation;

import io.signalbox.simulation.history.LinearizabilityChecker;
import io.signalbox.simulation.history.Op;
import io.signalbox.state.Configuration;
import io.signalbox.state.LbStateMachine;
import io.signalbox.state.Server;
import io.signalbox.state.Session;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What is checked once a run has healed and every node delivered the last write: the clients' view of it all. */
final class FinalChecks {
    private FinalChecks() {}

    /** The clients' register history is linearizable; returns how many operations were checked. */
    static int linearizable(List<Op> history) {
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, SimClients.initialValues());
        if (!result.linearizable()) {
            throw new Violation("linearizability", "the clients' history of " + history.size() + " register operations is not "
                    + "linearizable: " + result.explanation() + "; around " + result.window());
        }
        return history.size();
    }

    /** On every replica, each ephemeral server's session still exists: one that expired or was closed took its servers along. */
    static void ephemeralServersHaveSessions(List<LbStateMachine> replicas) {
        for (int i = 0; i < replicas.size(); i++) {
            Configuration configuration = replicas.get(i).configuration();
            Set<Long> sessions = new HashSet<>();
            for (Session session : configuration.sessions()) {
                sessions.add(session.id());
            }
            for (List<Server> servers : configuration.servers().values()) {
                for (Server server : servers) {
                    if (server.sessionId() != 0 && !sessions.contains(server.sessionId())) {
                        throw new Violation("ephemeral-servers", "node " + (i + 1) + " still has " + server.service() + "/"
                                + server.name() + " of session " + server.sessionId() + ", which ended");
                    }
                }
            }
        }
    }
}
