package io.signalbox.ctl;

import io.signalbox.client.ClientOptions;
import io.signalbox.client.SignalboxClient;
import io.signalbox.protocol.HostPort;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.SignalboxException;
import io.signalbox.protocol.StatusResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ctl status}: each member as it reports itself, then the sync agents as the leader knows them. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the members (role, leader, epoch, last and committed zxid, lag behind the leader; each member is "
            + "asked directly, one that does not answer within 1 s is UNREACHABLE), then each sync agent's applied zxid, lag "
            + "and last failure (from the leader)."},
        footerHeading = "%nExamples:%n", footer = {"  signalbox ctl status", "  signalbox ctl status --json"})
final class StatusCommand extends CtlVerb {
    private static final int MEMBER_TIMEOUT_MS = 1_000;

    @Override
    int run(SignalboxClient client) {
        StatusResult local = client.status();
        List<Member> rows = new ArrayList<>();
        for (Member member : local.members()) {
            rows.add(memberStatus(connection.memberOptions(HostPort.parse(member.clientAddress()), MEMBER_TIMEOUT_MS), member));
        }
        out.print(CtlTables.status(rows, local, connection.json));
        return 0;
    }

    private static Member memberStatus(ClientOptions one, Member member) {
        try (SignalboxClient client = new SignalboxClient(one)) {
            Member self = client.status().member(member.id());
            if (self != null) {
                return self;
            }
        } catch (SignalboxException e) {
            // falls through: unreachable
        }
        return new Member(member.id(), member.peerAddress(), member.clientAddress(), member.adminAddress(), "UNREACHABLE", 0, 0, 0, 0,
                0, false, false, member.voting());
    }
}
