package dev.veil.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layering rules of the repository, checked on the sources of each module's {@code
 * src/main/java}: which modules a module may import, which libraries it must not import, and no
 * cycle between the packages of one module. A reference counts when it is an import (static or
 * not) or a fully qualified name in code; comments and string literals are not read.
 */
final class Architecture {
  /**
   * One module: its folder, the root package it owns, the modules it may use, the libraries it
   * may import (package prefixes; the JDK's {@code java.} and {@code javax.} packages are always
   * allowed) and, optionally, the order of its packages.
   *
   * @param layers empty for no order beyond "no cycle"; else the sub-packages of {@code
   *     rootPackage} from the bottom up, each of which may use only itself (with its own
   *     sub-packages) and those before it. Peers that must not use each other share an entry,
   *     separated by {@code |} (e.g. {@code "train|infer"}). Every package of the module but the
   *     root must be in a layer.
   */
  record Module(String folder, String rootPackage, Set<String> mayUse, Set<String> libraries,
      List<String> layers) {
    Module(String folder, String rootPackage, Set<String> mayUse, Set<String> libraries) {
      this(folder, rootPackage, mayUse, libraries, List.of());
    }

    /** The index of the layer holding {@code pkg}, -1 for the root package, or null if none. */
    Integer layerOf(String pkg) {
      if (pkg.equals(rootPackage)) {
        return -1;
      }
      for (int i = 0; i < layers.size(); i++) {
        for (String name : layers.get(i).split("\\|")) {
          if (within(pkg, rootPackage + "." + name)) {
            return i;
          }
        }
      }
      return null;
    }

    /** The layer entry's own package that holds {@code pkg}. */
    String layerPackageOf(String pkg) {
      for (String entry : layers) {
        for (String name : entry.split("\\|")) {
          if (within(pkg, rootPackage + "." + name)) {
            return rootPackage + "." + name;
          }
        }
      }
      return pkg;
    }
  }

  /** A reference from one package to another, and the file it was seen in. */
  record Reference(String fromPackage, String toPackage, Path file) {}

  private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^\\s*import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;");
  private static final Pattern QUALIFIED = Pattern.compile("\\b((?:[a-z]\\w*\\.)+)[A-Z]\\w*");

  private final Map<String, Module> modules;

  Architecture(List<Module> modules) {
    this.modules = new TreeMap<>();
    for (Module m : modules) {
      this.modules.put(m.folder(), m);
    }
  }

  /** Every broken rule under {@code root}, one line each, sorted; empty when the layering holds. */
  List<String> violations(Path root) {
    Set<String> out = new TreeSet<>();
    for (Module module : modules.values()) {
      Path src = root.resolve(module.folder()).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        out.add(module.folder() + ": no " + src);
        continue;
      }
      List<Reference> refs = references(src);
      for (Reference r : refs) {
        if (!within(r.fromPackage(), module.rootPackage())) {
          out.add(module.folder() + ": " + rel(root, r.file()) + " declares package "
              + r.fromPackage() + " outside " + module.rootPackage());
        }
        Module owner = ownerOf(r.toPackage());
        if (owner != null && owner != module && !module.mayUse().contains(owner.folder())) {
          out.add(module.folder() + ": " + rel(root, r.file()) + " uses " + r.toPackage() + " of "
              + owner.folder() + ", which " + module.folder() + " may not use");
        }
        if (owner == null && !isJdk(r.toPackage()) && !r.toPackage().equals(r.fromPackage())
            && module.libraries().stream().noneMatch(lib -> within(r.toPackage(), lib))) {
          out.add(module.folder() + ": " + rel(root, r.file()) + " uses " + r.toPackage()
              + ", a library that " + module.folder() + " may not depend on");
        }
      }
      if (!module.layers().isEmpty()) {
        for (Reference r : refs) {
          layerViolation(module, r).ifPresent(v -> out.add(module.folder() + ": "
              + rel(root, r.file()) + " " + v));
        }
      }
      for (List<String> cycle : packageCycles(refs, module.rootPackage())) {
        out.add(module.folder() + ": package cycle " + String.join(" <-> ", cycle));
      }
    }
    return List.copyOf(out);
  }

  /** What breaks the module's package order in {@code r}, if anything. */
  private static Optional<String> layerViolation(Module module, Reference r) {
    Integer from = module.layerOf(r.fromPackage());
    if (from == null) {
      return Optional.of("is in package " + r.fromPackage() + ", which is in no layer of "
          + String.join(" -> ", module.layers()));
    }
    if (!within(r.toPackage(), module.rootPackage()) || r.toPackage().equals(r.fromPackage())) {
      return Optional.empty();
    }
    Integer to = module.layerOf(r.toPackage());
    boolean sameEntry = to != null && to.equals(from)
        && module.layerPackageOf(r.toPackage()).equals(module.layerPackageOf(r.fromPackage()));
    if (to != null && (to < from || sameEntry)) {
      return Optional.empty();
    }
    return Optional.of("uses " + r.toPackage() + ", which is not below "
        + r.fromPackage() + " in " + String.join(" -> ", module.layers()));
  }

  private static boolean isJdk(String pkg) {
    return within(pkg, "java") || within(pkg, "javax");
  }

  private static boolean within(String pkg, String prefix) {
    return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
  }

  private Module ownerOf(String pkg) {
    Module best = null;
    for (Module m : modules.values()) {
      if (within(pkg, m.rootPackage())
          && (best == null || m.rootPackage().length() > best.rootPackage().length())) {
        best = m;
      }
    }
    return best;
  }

  /** The packages (of this module and others) each source file under {@code src} refers to. */
  static List<Reference> references(Path src) {
    List<Reference> refs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(src)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file);
        Matcher pm = PACKAGE.matcher(text);
        if (!pm.find()) {
          continue;
        }
        String from = pm.group(1);
        refs.add(new Reference(from, from, file)); // the file's own package, even without imports
        String code = stripCommentsAndStrings(text);
        Matcher im = IMPORT.matcher(code);
        while (im.find()) {
          refs.add(new Reference(from, packageOf(im.group(1)), file));
        }
        String body = IMPORT.matcher(PACKAGE.matcher(code).replaceAll("")).replaceAll("");
        Matcher qm = QUALIFIED.matcher(body);
        while (qm.find()) {
          String pkg = qm.group(1).substring(0, qm.group(1).length() - 1);
          if (pkg.startsWith("dev.")) { // the project's own packages; libraries come by import
            refs.add(new Reference(from, pkg, file));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return refs;
  }

  /** The package of an imported name: the segments before the first one that starts upper-case. */
  static String packageOf(String name) {
    String[] parts = name.split("\\.");
    StringBuilder pkg = new StringBuilder();
    for (String part : parts) {
      if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
        break;
      }
      if (pkg.length() > 0) {
        pkg.append('.');
      }
      pkg.append(part);
    }
    return pkg.toString();
  }

  /** The strongly connected sets of two or more packages under {@code rootPackage}, sorted. */
  static List<List<String>> packageCycles(List<Reference> refs, String rootPackage) {
    Map<String, Set<String>> edges = new TreeMap<>();
    for (Reference r : refs) {
      edges.computeIfAbsent(r.fromPackage(), k -> new TreeSet<>());
      if (!r.toPackage().equals(r.fromPackage()) && within(r.toPackage(), rootPackage)) {
        edges.get(r.fromPackage()).add(r.toPackage());
        edges.computeIfAbsent(r.toPackage(), k -> new TreeSet<>());
      }
    }
    return new Tarjan(edges).components().stream().filter(c -> c.size() > 1).toList();
  }

  /** Tarjan's strongly connected components, iteratively. */
  private static final class Tarjan {
    private final Map<String, Set<String>> edges;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new TreeSet<>();
    private final List<List<String>> components = new ArrayList<>();
    private int next;

    Tarjan(Map<String, Set<String>> edges) {
      this.edges = edges;
    }

    List<List<String>> components() {
      for (String v : edges.keySet()) {
        if (!index.containsKey(v)) {
          visit(v);
        }
      }
      return components;
    }

    private void visit(String start) {
      Deque<Object[]> work = new ArrayDeque<>();
      open(start);
      work.push(new Object[] {start, List.copyOf(edges.get(start)).iterator()});
      while (!work.isEmpty()) {
        Object[] frame = work.peek();
        String v = (String) frame[0];
        @SuppressWarnings("unchecked")
        Iterator<String> it = (Iterator<String>) frame[1];
        if (it.hasNext()) {
          String w = it.next();
          if (!index.containsKey(w)) {
            open(w);
            work.push(new Object[] {w, List.copyOf(edges.get(w)).iterator()});
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = (String) work.peek()[0];
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          List<String> component = new ArrayList<>();
          String w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.add(w);
          } while (!w.equals(v));
          component.sort(null);
          components.add(component);
        }
      }
    }

    private void open(String v) {
      index.put(v, next);
      low.put(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
    }
  }

  /** The text with comments, string literals, text blocks and character literals blanked. */
  static String stripCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (s.startsWith("\"\"\"", i)) {
        int end = s.indexOf("\"\"\"", i + 3);
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String rel(Path root, Path file) {
    return root.relativize(file).toString();
  }
}
