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
    /** The identity of a connection that showed no certificate and no token. */
    public static final String ANONYMOUS = "anonymous";
    /**
     * The node's own admin port asking its request layer (status, events): reads only. It holds a
     * space, which no identity in the access table may, so no grant can be made to it.
     */
    public static final String ADMIN_PORT = "admin port";

    /** No admin configured on a loopback-only or insecure node: every identity is admin, as before roles existed. */
    public static final Access OPEN = new Access(Set.of(), true);

    public Access {
        admins = Set.copyOf(admins);
    }

    public boolean everyoneAdmin() {
        return admins.isEmpty() && anonymousAllowed;
    }
}
