package io.signalbox.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.protocol.ClientRequest;
import io.signalbox.protocol.CommandRequest;
import io.signalbox.protocol.CommandResult;
import io.signalbox.protocol.Consistency;
import io.signalbox.protocol.ErrorCode;
import io.signalbox.protocol.ErrorReply;
import io.signalbox.protocol.HistoryRequest;
import io.signalbox.protocol.HistoryResult;
import io.signalbox.protocol.ProxyReport;
import io.signalbox.protocol.ReadRequest;
import io.signalbox.protocol.ReadResult;
import io.signalbox.protocol.Response;
import io.signalbox.protocol.StreamEntry;
import io.signalbox.state.Command;
import io.signalbox.state.Grant;
import io.signalbox.state.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Roles on three hand-wired nodes (no network): {@code root} is admin by the node
 * configuration; it grants {@code reader} read, {@code ops} operate on web and {@code agent}
 * read and report. Every refusal is PERMISSION_DENIED naming identity, attempt and lack, and
 * leaves every node's log and digest as they were.
 */
class NodeAccessTest {
    private final HandWiredCluster cluster = new HandWiredCluster(1_000, new Access(Set.of("root"), false));
    private int leader;
    private int follower;
    private long requestId;

    @BeforeEach
    void setUp() {
        leader = cluster.electLeader();
        follower = leader % 3 + 1;
        for (String service : List.of("web", "api")) {
            ok("root", new Command.PutService(service, "http", service.equals("web") ? 8080 : 8081, "roundrobin", null, 1_000, 1_000,
                    1_000, null));
            ok("root", new Command.RegisterServer(service, service + "-1", "10.0.0.1", 80, 1, "ready", false, Map.of(), 0, null));
        }
        ok("root", new Command.GrantRole("reader", "read", null));
        ok("root", new Command.GrantRole("ops", "operate", "web"));
        ok("root", new Command.GrantRole("agent", "read", null));
        ok("root", new Command.GrantRole("agent", "report", null));
    }

    @Test
    void aReadIdentityReadsButItsWriteIsRefusedNamingWhatItLacksAndNothingIsProposed() {
        assertTrue(ask(follower, 5, "reader", new ReadRequest(Consistency.LOCAL, 0, "", 0)).reply() instanceof ReadResult);
        String refusal = refusedWithoutChange(leader, 5, "reader", command(new Command.SetState("web", "web-1", "drain", null)));
        assertEquals("reader may not set server web/web-1 to drain: that needs operate on web, and reader holds read "
                + "(an admin grants it: ctl acl grant reader ...)", refusal);
    }

    @Test
    void onlyAnAdminChangesTheMembers() {
        for (int node : new int[] {leader, follower}) {
            String refusal = refusedWithoutChange(node, 5, "ops", io.signalbox.protocol.MemberChangeRequest.add(4, "n4:1", "n4:2", "n4:3"));
            assertTrue(refusal.startsWith("ops may not add member 4: that needs admin"), refusal);
        }
        assertTrue(ask(follower, 7, "root", io.signalbox.protocol.MemberChangeRequest.add(4, "n4:1", "n4:2", "n4:3")).reply()
                instanceof CommandResult);
    }

    @Test
    void anIdentityTheRequestClaimsIsReplacedByTheConnectionsOwn() {
        String refusal = refusedWithoutChange(follower, 5, "reader",
                new CommandRequest("", 0, new Command.PutService("shop", "http", 8090, "roundrobin", null, 1_000, 1_000, 1_000, null), "root"));
        assertTrue(refusal.startsWith("reader may not put service shop: that needs admin"), refusal);
    }

    @Test
    void anOperatorOfWebDrainsWebButNotApiNorServicesFromAnyNode() {
        assertTrue(ask(follower, 6, "ops", command(new Command.SetState("web", "web-1", "drain", null))).reply() instanceof CommandResult);
        for (int node : new int[] {leader, follower}) {
            String refusal = refusedWithoutChange(node, 6, "ops", command(new Command.SetState("api", "api-1", "drain", null)));
            assertTrue(refusal.startsWith("ops may not set server api/api-1 to drain: that needs operate on api, and ops holds "
                    + "operate on web"), refusal);
        }
        String removeService = refusedWithoutChange(leader, 6, "ops", command(new Command.RemoveService("web", true, null)));
        assertTrue(removeService.contains("that needs admin"), removeService);
        String inMulti = refusedWithoutChange(leader, 6, "ops", command(new Command.Multi(List.of(
                new Command.SetWeight("web", "web-1", 5, null), new Command.DeregisterServer("api", "api-1", null)))));
        assertTrue(inMulti.contains("remove server api/api-1") && inMulti.endsWith("(in a multi: nothing of it applied)"), inMulti);
    }

    @Test
    void aRevokedIdentityIsRefusedFromItsNextRequestOnTheSameConnection() {
        assertTrue(ask(leader, 7, "ops", command(new Command.SetWeight("web", "web-1", 3, null))).reply() instanceof CommandResult);
        ok("root", new Command.RevokeRole("ops", "operate", "web"));
        String refusal = refusedWithoutChange(leader, 7, "ops", command(new Command.SetWeight("web", "web-1", 4, null)));
        assertTrue(refusal.contains("ops holds no role"), refusal);
        String read = refusedWithoutChange(follower, 7, "ops", new HistoryRequest(0, 10));
        assertEquals("ops may not read the history: that needs read, and ops holds no role (an admin grants it: ctl acl grant ops ...)",
                read);
    }

    @Test
    void reportsNeedTheReportGrantAndAnonymousConnectionsGetNothingOnASecuredNode() {
        ProxyReport report = new ProxyReport("haproxy-1", "haproxy", List.of(), 0, 0, "", 0, 0, 0);
        assertTrue(ask(follower, 8, "agent", report).reply() instanceof io.signalbox.protocol.ReportAccepted);
        assertTrue(refusedWithoutChange(follower, 8, "reader", report).contains("that needs report"));
        String anonymous = refusedWithoutChange(follower, 9, "anonymous", new ReadRequest(Consistency.LOCAL, 0, "web", 0));
        assertTrue(anonymous.startsWith("anonymous may not read the configuration: this node takes requests only from a client "
                + "certificate or a token"), anonymous);
    }

    @Test
    void grantsAreValidatedAndTheLastAdminInTheTableCannotBeRevoked() {
        assertEquals(ErrorCode.INVALID, error(ask(leader, 3, "root", command(new Command.GrantRole("ops", "superuser", null)))).code());
        assertEquals(ErrorCode.INVALID, error(ask(leader, 3, "root", command(new Command.GrantRole("", "read", null)))).code());
        assertEquals(ErrorCode.INVALID, error(ask(leader, 3, "root", command(new Command.GrantRole("ops", "read", "web")))).code());
        ok("root", new Command.GrantRole("alice", "admin", null));
        ErrorReply last = error(ask(leader, 3, "root", command(new Command.RevokeRole("alice", "admin", null))));
        assertEquals("acl.identity: alice is the last admin in the table: grant admin to another identity first, so that someone "
                + "can still change roles", last.message());
        assertEquals(ErrorCode.PERMISSION_DENIED, error(ask(leader, 3, "ops", command(new Command.GrantRole("ops", "admin", null)))).code());
        ok("alice", new Command.GrantRole("bob", "admin", null));
        ok("alice", new Command.RevokeRole("alice", "admin", null));
        ReadResult table = (ReadResult) ask(follower, 3, "reader", new ReadRequest(Consistency.LINEARIZABLE, 0, "", 0)).reply();
        assertEquals(Set.of(Grant.of(Role.ADMIN)), table.grants().get("bob"));
        assertEquals(Set.of(new Grant(Role.OPERATE, "web")), table.grants().get("ops"));
        assertTrue(!table.grants().containsKey("alice"), table.grants().toString());
    }

    @Test
    void everyEntryInTheHistoryNamesTheIdentityThatCausedIt() {
        ask(follower, 4, "ops", command(new Command.SetState("web", "web-1", "drain", null)));
        HistoryResult history = (HistoryResult) ask(follower, 4, "reader", new HistoryRequest(0, 100)).reply();
        StreamEntry last = history.entries().get(history.entries().size() - 1);
        assertEquals("ops", last.identity());
        assertEquals("root", history.entries().get(0).identity());
    }

    private void ok(String identity, Command command) {
        Response answer = ask(leader, 1, identity, command(command));
        assertTrue(answer.reply() instanceof CommandResult, identity + " " + command + ": " + answer);
    }

    /** The refusal's message; asserts it is PERMISSION_DENIED and that no node's log or digest moved. */
    private String refusedWithoutChange(int node, long connection, String identity, ClientRequest request) {
        long[] zxids = new long[4];
        long[] digests = new long[4];
        for (int id = 1; id <= 3; id++) {
            zxids[id] = cluster.nodes[id].view().lastZxid();
            digests[id] = cluster.nodes[id].machine().digest();
        }
        ErrorReply refusal = error(ask(node, connection, identity, request));
        assertEquals(ErrorCode.PERMISSION_DENIED, refusal.code(), refusal.toString());
        cluster.tickAll(5);
        for (int id = 1; id <= 3; id++) {
            assertEquals(zxids[id], cluster.nodes[id].view().lastZxid(), "node " + id + "'s log after the refusal");
            assertEquals(digests[id], cluster.nodes[id].machine().digest(), "node " + id + "'s digest after the refusal");
        }
        return refusal.message();
    }

    private Response ask(int node, long connection, String identity, ClientRequest request) {
        return cluster.ask(node, connection, identity, ++requestId, request);
    }

    private static ErrorReply error(Response response) {
        assertTrue(response.reply() instanceof ErrorReply, response.toString());
        return (ErrorReply) response.reply();
    }

    private static CommandRequest command(Command command) {
        return new CommandRequest("", 0, command);
    }
}
