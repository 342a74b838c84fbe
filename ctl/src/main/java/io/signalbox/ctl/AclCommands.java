package io.signalbox.ctl;

import io.signalbox.client.SignalboxClient;
import io.signalbox.common.Json;
import io.signalbox.common.Zxid;
import io.signalbox.protocol.ReadResult;
import io.signalbox.state.Command.GrantRole;
import io.signalbox.state.Command.RevokeRole;
import io.signalbox.state.Grant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ctl acl grant|revoke|ls|token}: who may do what (docs/security.md). */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Grants and revokes roles (read, report, operate on services, admin) and shows who holds which; "
                + "makes bearer tokens.",
        subcommands = {AclCommands.GrantVerb.class, AclCommands.RevokeVerb.class, AclCommands.Ls.class, AclCommands.Token.class})
final class AclCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw CtlCommand.missingSubcommand(spec);
    }

    /** What grant and revoke share: whose role, which role, and on which services. */
    abstract static class RoleVerb extends CtlVerb {
        @Parameters(index = "0", paramLabel = "IDENTITY", description = "A client certificate's CN (ctl, ops) or a token's name.")
        String identity;

        @Parameters(index = "1", paramLabel = "ROLE", description = "read (reads, watch, history, status), report (a sync agent's "
                + "reports), operate (change servers of the services in --service), or admin (everything).")
        String role;

        @Option(names = "--service", paramLabel = "SERVICE", defaultValue = "*",
                description = "operate only: a service (web), a prefix (web*), or * for every service (default: ${DEFAULT-VALUE}).")
        String scope;
    }

    @Command(name = "grant", mixinStandardHelpOptions = true, description = "Gives an identity a role (it keeps the ones it had).",
            footerHeading = "%nExamples:%n",
            footer = {"  signalbox ctl acl grant ops operate --service web",
                "  signalbox ctl acl grant agent read && signalbox ctl acl grant agent report",
                "  signalbox ctl acl grant lead admin"})
    static final class GrantVerb extends RoleVerb {
        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new GrantRole(identity, role, scope)));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Takes one grant back; refused for the last admin in the table. Open connections of the identity are "
                    + "refused from their next request.",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl acl revoke ops operate --service web"})
    static final class RevokeVerb extends RoleVerb {
        @Override
        int run(SignalboxClient client) {
            return committed(client.submit(new RevokeRole(identity, role, scope)));
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "Shows every identity with a grant, and its grants "
            + "(the admins named by auth.admin in the nodes' configuration are admin besides these).",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl acl ls", "  signalbox ctl acl ls --json"})
    static final class Ls extends CtlVerb {
        @Override
        int run(SignalboxClient client) {
            ReadResult result = client.read(connection.consistency(), "");
            out.print(table(result.zxid(), result.grants(), connection.json));
            return 0;
        }

        static String table(long zxid, Map<String, SortedSet<Grant>> grants, boolean json) {
            if (json) {
                StringBuilder out = new StringBuilder("{\"zxid\":").append(Json.quote(Zxid.format(zxid))).append(",\"grants\":[");
                int i = 0;
                for (Map.Entry<String, SortedSet<Grant>> held : grants.entrySet()) {
                    for (Grant grant : held.getValue()) {
                        out.append(i++ == 0 ? "" : ",").append("{\"identity\":").append(Json.quote(held.getKey()))
                                .append(",\"role\":").append(Json.quote(grant.role().text()))
                                .append(",\"services\":").append(Json.quote(grant.scope())).append('}');
                    }
                }
                return out.append("]}\n").toString();
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"IDENTITY", "ROLE", "SERVICES"});
            grants.forEach((identity, held) -> held.forEach(grant -> rows.add(new String[] {identity, grant.role().text(), grant.scope()})));
            return "access table at zxid " + Zxid.format(zxid) + "\n" + CtlTables.table(rows);
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Makes a new random bearer token for NAME, offline: prints the token (give it to the client, in a file "
                    + "for --token-file) and the auth.token line for every node's signalbox.conf (which holds only its hash).",
            footerHeading = "%nExamples:%n", footer = {"  signalbox ctl acl token deploy --out deploy.token"})
    static final class Token implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The identity the token gives: 1..128 printable characters without spaces.")
        String name;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the token to this new file (owner-only permissions) "
                + "instead of printing it.")
        java.nio.file.Path outFile;

        @Override
        public Integer call() throws Exception {
            if (!name.matches("[\\x21-\\x7e]{1,128}") || name.equals("anonymous")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "NAME " + name
                        + ": 1..128 printable characters without spaces, not anonymous");
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            var out = spec.commandLine().getOut();
            if (outFile != null) {
                java.nio.file.Files.createFile(outFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                java.nio.file.Files.writeString(outFile, token + "\n", StandardCharsets.UTF_8);
                out.println("token written to " + outFile);
            } else {
                out.println("token: " + token);
            }
            out.println("auth.token." + name + "=sha256:" + sha256Hex(token));
            out.flush();
            return 0;
        }

        static String sha256Hex(String token) throws NoSuchAlgorithmException {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
