package io.signalbox.node;

import java.util.Set;

/**
 * What the node's configuration says about access, the same on every member.
 *
 * @param admins           identities that are admin whatever the replicated table says ({@code auth.admin}): how a
 *                         new cluster gets its first admin
 * @param anonymousAllowed whether a connection without a certificate or token may act (as {@code anonymous}): only
 *                         on nodes whose members are all on loopback, or with {@code insecure=true}
 */
public record Access(Set<String> admins, boolean anonymousAllowed) {
    /** No admin configured on a loopback-only or insecure node: every identity is admin, as before roles existed. */
    public static final Access OPEN = new Access(Set.of(), true);

    public Access {
        admins = Set.copyOf(admins);
    }

    public boolean everyoneAdmin() {
        return admins.isEmpty() && anonymousAllowed;
    }
}
