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

/** {@code ctl member ls|add|rm}: the cluster's members, changed one voter at a time through the log (docs/membership.md). */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "Shows the configuration in force (voters and observers, their addresses) and adds or removes a voter.",
        subcommands = {MemberCommands.Ls.class, MemberCommands.Add.class, MemberCommands.Rm.class})
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
            description = {"Adds a voter: answered once the configuration entry committed. Then start the new node with "
                    + "`signalbox server --join HOST:PORT` (any member's client address); it syncs from the leader.",
                "One voter at a time: refused while another change awaits commit, beyond 7 voters, or for an id or address in use."},
            footerHeading = "%nExamples:%n",
            footer = {"  signalbox ctl member add 4 --peer 10.0.0.4:7200 --client 10.0.0.4:7100 --admin 10.0.0.4:7300"})
    static final class Add extends CtlVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "The new member's id (positive, unused).")
        int id;

        @Option(names = "--peer", required = true, paramLabel = "HOST:PORT", description = "Its peer address (the members' port).")
        String peer;

        @Option(names = "--client", required = true, paramLabel = "HOST:PORT", description = "Its client address.")
        String client;

        @Option(names = "--admin", required = true, paramLabel = "HOST:PORT", description = "Its status page address.")
        String admin;

        @Override
        int run(SignalboxClient connected) {
            return committed(connected.changeMembers(MemberChangeRequest.add(id, peer, client, admin)));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Removes a voter: answered once the change committed; a removed leader steps down, and the rest "
                    + "elect a new one. Refused when fewer than 3 voters would remain.",
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
}
