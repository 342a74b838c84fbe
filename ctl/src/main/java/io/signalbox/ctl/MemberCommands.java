package io.signalbox.ctl;

import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Json;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.Member;
import io.signalbox.protocol.MemberChangeRequest;
import io.signalbox.protocol.StatusResult;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ctl member ls|add|rm|promote}: the cluster's members, changed one at a time through the log (docs/membership.md). */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "Shows the configuration in force (voters and observers, their addresses), adds or removes a voter or an "
                + "observer, and promotes an observer to a voter.",
        subcommands = {MemberCommands.Ls.class, MemberCommands.Add.class, MemberCommands.Rm.class, MemberCommands.Promote.class})
final class MemberCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw CtlCommand.missingSubcommand(spec);
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "The configuration in force on the node asked: each member's id, voting, addresses, and where the "
                    + "configuration took effect (pending while its entry awaits commit).",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl member ls", "  signalbox ctl member ls --json"})
    static final class Ls extends CtlVerb {
        @Override
        int run(SignalboxClient client) {
            out.print(table(client.status(), connection.json));
            return 0;
        }

        static String table(StatusResult status, boolean json) {
            List<Member> members = status.members().stream().filter(m -> !Member.NONE.equals(m.voting())).toList();
            if (json) {
                StringBuilder out = new StringBuilder("{\"configurationZxid\":").append(Json.quote(Zxid.format(status.configurationZxid())))
                        .append(",\"committed\":").append(status.configurationCommitted()).append(",\"members\":[");
                for (int i = 0; i < members.size(); i++) {
                    Member m = members.get(i);
                    out.append(i == 0 ? "" : ",").append("{\"id\":").append(m.id()).append(",\"voting\":").append(Json.quote(m.voting()))
                            .append(",\"peer\":").append(Json.quote(m.peerAddress())).append(",\"client\":")
                            .append(Json.quote(m.clientAddress())).append(",\"admin\":").append(Json.quote(m.adminAddress())).append('}');
                }
                return out.append("]}\n").toString();
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "VOTING", "PEER", "CLIENT", "ADMIN"});
            for (Member m : members) {
                rows.add(new String[] {String.valueOf(m.id()), m.voting(), m.peerAddress(), m.clientAddress(), m.adminAddress()});
            }
            return CtlTables.table(rows) + "configuration since zxid " + Zxid.format(status.configurationZxid())
                    + (status.configurationCommitted() ? "" : " (pending: its entry awaits commit)") + ", as node " + status.nodeId()
                    + " sees it\n";
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a voter, or with --observer an observer: answered once the configuration entry committed. "
                    + "Then start the new node with `signalbox server --join HOST:PORT` (any member's client address); it syncs "
                    + "from the leader.",
                "An observer receives every commit and serves reads, streams and sync agents, but never votes nor counts in a "
                    + "quorum; `member promote` makes it a voter once it caught up.",
                "One change at a time: refused while another awaits commit, beyond 7 voters or 32 observers, or for an id or "
                    + "address in use."},
            footerHeading = "%nExamples:%n",
            footer = {"  signalbox ctl member add 4 --peer 10.0.0.4:7200 --client 10.0.0.4:7100 --admin 10.0.0.4:7300",
                "  signalbox ctl member add 8 --observer --peer 10.0.1.8:7200 --client 10.0.1.8:7100 --admin 10.0.1.8:7300"})
    static final class Add extends CtlVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "The new member's id (positive, unused).")
        int id;

        @Option(names = "--peer", required = true, paramLabel = "HOST:PORT", description = "Its peer address (the members' port).")
        String peer;

        @Option(names = "--client", required = true, paramLabel = "HOST:PORT", description = "Its client address.")
        String client;

        @Option(names = "--admin", required = true, paramLabel = "HOST:PORT", description = "Its status page address.")
        String admin;

        @Option(names = "--observer", description = "Add it as an observer, not a voter.")
        boolean observer;

        @Override
        int run(SignalboxClient connected) {
            return committed(connected.changeMembers(observer ? MemberChangeRequest.addObserver(id, peer, client, admin)
                    : MemberChangeRequest.add(id, peer, client, admin)));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Removes a voter or an observer: answered once the change committed; a removed leader steps down, "
                    + "and the rest elect a new one. Refused when fewer than 3 voters would remain.",
                "Then stop the removed node; its data directory is of no further use."},
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl member rm 2"})
    static final class Rm extends CtlVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "The member to remove.")
        int id;

        @Override
        int run(SignalboxClient connected) {
            return committed(connected.changeMembers(MemberChangeRequest.remove(id)));
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Makes an observer a voter: answered once the change committed. Refused, with its lag, while the "
                    + "observer is not synced with the leader or more committed txns behind than may be in flight; refused "
                    + "beyond 7 voters.", "Watch the lag fall with `signalbox ctl status` (LAST ZXID) and try again."},
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl member promote 8"})
    static final class Promote extends CtlVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "The observer to promote.")
        int id;

        @Override
        int run(SignalboxClient connected) {
            return committed(connected.changeMembers(MemberChangeRequest.promote(id)));
        }
    }
}
