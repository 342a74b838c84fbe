package io.signalbox.node;

import io.signalbox.state.Command;

/** A command as a refusal names it: {@code set server api/api-1 to drain}. */
final class CommandText {
    private CommandText() {}

    static String of(Command command) {
        if (command instanceof Command.PutService c) {
            return "put service " + c.name();
        } else if (command instanceof Command.RemoveService c) {
            return "remove service " + c.name();
        } else if (command instanceof Command.RegisterServer c) {
            return "register server " + c.service() + "/" + c.name();
        } else if (command instanceof Command.SetWeight c) {
            return "set the weight of server " + c.service() + "/" + c.name();
        } else if (command instanceof Command.SetState c) {
            return "set server " + c.service() + "/" + c.name() + " to " + c.state();
        } else if (command instanceof Command.DeregisterServer c) {
            return "remove server " + c.service() + "/" + c.name();
        } else if (command instanceof Command.OpenSession) {
            return "open a session";
        } else if (command instanceof Command.KeepAlive c) {
            return "keep session " + c.sessionId() + " alive";
        } else if (command instanceof Command.CloseSession c) {
            return "close session " + c.sessionId();
        } else if (command instanceof Command.GrantRole c) {
            return "grant " + c.role() + " to " + c.identity();
        } else if (command instanceof Command.RevokeRole c) {
            return "revoke " + c.role() + " from " + c.identity();
        }
        return command.getClass().getSimpleName();
    }
}
