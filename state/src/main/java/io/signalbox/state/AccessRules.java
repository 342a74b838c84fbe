package io.signalbox.state;

import java.util.List;
import java.util.SortedSet;
import java.util.stream.Collectors;

/** Validates grant and revoke commands against a view; the events they cause, or a {@link Rejection}. */
final class AccessRules {
    /** Longest identity: a certificate's CN or a token's name. */
    static final int IDENTITY_LENGTH_MAX = 128;
    static final int IDENTITIES_MAX = 1_000;
    static final int GRANTS_PER_IDENTITY_MAX = 32;

    private AccessRules() {}

    static List<StateEvent> grant(StateView view, Command.GrantRole c) {
        String identity = identity(c.identity());
        Grant grant = grantOf(c.role(), c.scope());
        SortedSet<Grant> held = view.grantsOf(identity);
        if (held.contains(grant)) {
            return List.of(); // already held: nothing to change
        }
        if (held.isEmpty() && view.identityCount() >= IDENTITIES_MAX) {
            throw new Rejection("acl.identity", "the limit of " + IDENTITIES_MAX + " identities with grants is reached");
        }
        if (held.size() >= GRANTS_PER_IDENTITY_MAX) {
            throw new Rejection("acl.scope", identity + " already holds " + GRANTS_PER_IDENTITY_MAX
                    + " grants, the limit: revoke one, or grant a prefix such as web* that covers several services");
        }
        return List.of(new StateEvent.RoleGranted(identity, grant));
    }

    static List<StateEvent> revoke(StateView view, Command.RevokeRole c) {
        String identity = identity(c.identity());
        Grant grant = grantOf(c.role(), c.scope());
        SortedSet<Grant> held = view.grantsOf(identity);
        if (!held.contains(grant)) {
            throw new Rejection("acl.role", identity + " does not hold " + grant.text() + "; it holds "
                    + (held.isEmpty() ? "nothing" : held.stream().map(Grant::text).collect(Collectors.joining(", "))));
        }
        if (grant.role() == Role.ADMIN && view.adminCount() == 1) {
            throw new Rejection("acl.identity", identity + " is the last admin in the table: grant admin to another identity "
                    + "first, so that someone can still change roles");
        }
        return List.of(new StateEvent.RoleRevoked(identity, grant));
    }

    static String identity(String identity) {
        if (identity == null || identity.isEmpty()) {
            throw new Rejection("acl.identity", "empty: name a certificate's CN or a token's name");
        }
        if (identity.length() > IDENTITY_LENGTH_MAX) {
            throw new Rejection("acl.identity", "of " + identity.length() + " characters: at most " + IDENTITY_LENGTH_MAX);
        }
        for (int i = 0; i < identity.length(); i++) {
            char ch = identity.charAt(i);
            if (ch <= ' ' || ch == 0x7f) {
                throw new Rejection("acl.identity", Rejection.quote(identity) + " holds a space or control character at " + i);
            }
        }
        return identity;
    }

    private static Grant grantOf(String roleText, String scopeText) {
        Role role = Role.parse("acl.role", roleText);
        String scope = scopeText == null || scopeText.isEmpty() ? Grant.EVERY_SERVICE : scopeText;
        if (role != Role.OPERATE && !scope.equals(Grant.EVERY_SERVICE)) {
            throw new Rejection("acl.scope", Rejection.quote(scope) + ": only operate is limited to services; "
                    + role.text() + " covers every service");
        }
        if (!scope.equals(Grant.EVERY_SERVICE)) {
            String name = scope.endsWith("*") ? scope.substring(0, scope.length() - 1) : scope;
            if (name.isEmpty() || name.contains("*")) {
                throw new Rejection("acl.scope", Rejection.quote(scope) + ": use a service name (web), a prefix (web*) or * for every service");
            }
            Validation.name("acl.scope", name);
        }
        return new Grant(role, scope);
    }
}
