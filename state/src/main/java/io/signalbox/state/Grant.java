package io.signalbox.state;

/**
 * One role held by an identity. {@code scope} limits {@code operate}: {@code *} is every
 * service, {@code web} the service web only, {@code web*} every service whose name starts
 * with {@code web}; the other roles are not scoped and carry {@code *}.
 */
public record Grant(Role role, String scope) implements Comparable<Grant> {
    public static final String EVERY_SERVICE = "*";

    public Grant {
        if (role == null || scope == null || scope.isEmpty()) {
            throw new IllegalArgumentException("a grant needs a role and a scope, got " + role + " " + scope);
        }
    }

    public static Grant of(Role role) {
        return new Grant(role, EVERY_SERVICE);
    }

    /** Whether this grant lets its holder change the servers of {@code service}. */
    public boolean operates(String service) {
        if (role == Role.ADMIN || role == Role.OPERATE && scope.equals(EVERY_SERVICE)) {
            return true;
        }
        if (role != Role.OPERATE) {
            return false;
        }
        return scope.endsWith("*") ? service.startsWith(scope.substring(0, scope.length() - 1)) : service.equals(scope);
    }

    /** {@code operate on web*}, {@code read}: how messages and tables show it. */
    public String text() {
        return role == Role.OPERATE ? role.text() + " on " + (scope.equals(EVERY_SERVICE) ? "every service" : scope) : role.text();
    }

    @Override
    public int compareTo(Grant other) {
        int byRole = role.compareTo(other.role);
        return byRole != 0 ? byRole : scope.compareTo(other.scope);
    }
}
