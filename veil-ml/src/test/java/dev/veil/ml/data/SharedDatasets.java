package dev.veil.ml.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared public data sets (never committed): the system property {@code veil.datasets} (a folder
 * holding {@code iris.csv}, {@code helr/}), else the first {@code shared/datasets} folder found walking up
 * from the working directory.
 */
public final class SharedDatasets {
    private SharedDatasets() {
    }

    /** The datasets folder, if any. */
    public static Optional<Path> root() {
        String prop = System.getProperty("veil.datasets");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A file under the datasets folder, if the folder and the file exist. */
    public static Optional<Path> file(String relative) {
        return root().map(r -> r.resolve(relative)).filter(Files::isRegularFile);
    }

    /** Why a test is skipped when {@code relative} is missing. */
    public static String missing(String relative) {
        return "shared data set '" + relative + "' not found (set -Dveil.datasets=DIR or provide ../shared/datasets); skipping";
    }
}
