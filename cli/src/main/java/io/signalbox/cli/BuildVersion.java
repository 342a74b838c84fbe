package io.signalbox.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version} of every command: the version and the git commit the jar was built from,
 * as Maven wrote them into {@code build.properties}. A value Maven could not fill in (a build
 * from a source archive without .git) is "unknown".
 */
final class BuildVersion implements IVersionProvider {
    static final String UNKNOWN = "unknown";

    @Override
    public String[] getVersion() {
        Properties build = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading build.properties from the jar", e);
        }
        String commit = value(build, "commit");
        String modified = "true".equals(value(build, "dirty")) ? " (with uncommitted changes)" : "";
        return new String[] {"signalbox " + value(build, "version"), "commit " + commit + modified};
    }

    private static String value(Properties build, String key) {
        String value = build.getProperty(key, "");
        return value.isBlank() || value.startsWith("${") ? UNKNOWN : value;
    }
}
