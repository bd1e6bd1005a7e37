package dev.veil.ml.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a CSV file with a header row into a {@link Table}.
 *
 * <p>Format (RFC 4180, leniently): fields separated by commas, records by LF or CRLF; a field may be
 * quoted with {@code "}, and inside quotes commas, line breaks and doubled quotes ({@code ""} for one
 * {@code "}) are literal. Unquoted fields are trimmed of surrounding spaces and tabs. Completely empty
 * lines are skipped. A UTF-8 byte-order mark at the start is ignored. A quote inside an unquoted field,
 * or text after a closing quote, is an error.
 *
 * <p>The file is read record by record; only the parsed numbers of the selected columns are kept, the
 * other columns are never converted. Numbers are decimal ({@code -1}, {@code 2.5}, {@code .5}, {@code 1e-3});
 * {@code NaN}, {@code Infinity} and values that overflow a double are refused, as are empty values.
 *
 * <p>The reader is immutable; configure it with the {@code with...} methods:
 * <pre>{@code
 * Table t = CsvReader.defaults().withLabel("species").read(Path.of("iris.csv"));
 * }</pre>
 *
 * <p>Every problem is reported as a {@link DataFormatException} whose message names the source, the line,
 * the data row, the column and the value.
 */
public final class CsvReader {
    /** How the label column is interpreted. */
    public enum LabelType {
        /**
         * Decided by the first data row: if its label is a number, all labels must be numbers (a numeric
         * table); otherwise all labels are class names (a categorical table).
         */
        AUTO,
        /** Every label must be a finite number. */
        NUMERIC,
        /** Every label is a class name, even when it looks like a number ({@code "0"}, {@code "1"}). */
        CATEGORICAL
    }

    /** Default cap on data rows. */
    public static final int DEFAULT_MAX_ROWS = 10_000_000;
    /** Default cap on columns per record. */
    public static final int DEFAULT_MAX_COLUMNS = 100_000;

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE =
            Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final String label;
    private final List<String> features;
    private final LabelType labelType;
    private final List<String> classOrder;
    private final int maxRows;
    private final int maxColumns;

    private CsvReader(String label, List<String> features, LabelType labelType, List<String> classOrder,
            int maxRows, int maxColumns) {
        this.label = label;
        this.features = features;
        this.labelType = labelType;
        this.classOrder = classOrder;
        this.maxRows = maxRows;
        this.maxColumns = maxColumns;
    }

    /**
     * Label = last column, features = all other columns, {@link LabelType#AUTO}, caps
     * {@link #DEFAULT_MAX_ROWS} and {@link #DEFAULT_MAX_COLUMNS}.
     */
    public static CsvReader defaults() {
        return new CsvReader(null, null, LabelType.AUTO, null, DEFAULT_MAX_ROWS, DEFAULT_MAX_COLUMNS);
    }

    /** The label column, by header name ({@code null}: the last column). */
    public CsvReader withLabel(String labelColumn) {
        return new CsvReader(labelColumn, features, labelType, classOrder, maxRows, maxColumns);
    }

    /** The feature columns, by header name, in the order given ({@code null}: every column but the label). */
    public CsvReader withFeatures(List<String> featureColumns) {
        if (featureColumns != null && featureColumns.isEmpty()) {
            throw new IllegalArgumentException("select at least one feature column");
        }
        return new CsvReader(label, featureColumns == null ? null : List.copyOf(featureColumns), labelType,
                classOrder, maxRows, maxColumns);
    }

    /** The feature columns, by header name. */
    public CsvReader withFeatures(String... featureColumns) {
        return withFeatures(Arrays.asList(featureColumns));
    }

    /** How labels are read. */
    public CsvReader withLabelType(LabelType type) {
        return new CsvReader(label, features, Objects.requireNonNull(type), classOrder, maxRows, maxColumns);
    }

    /**
     * Categorical labels with a fixed class order: class {@code i} is {@code classes.get(i)}; a label not in
     * the list is an error. Without it, class names are sorted (by {@link String#compareTo}), so that the
     * class indices do not depend on the order of the rows.
     */
    public CsvReader withClasses(List<String> classes) {
        if (classes.isEmpty() || classes.stream().distinct().count() != classes.size()) {
            throw new IllegalArgumentException("class list must be non-empty and without duplicates: " + classes);
        }
        return new CsvReader(label, features, LabelType.CATEGORICAL, List.copyOf(classes), maxRows, maxColumns);
    }

    /** Cap on the number of data rows; a larger file is refused. */
    public CsvReader withMaxRows(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + cap);
        }
        return new CsvReader(label, features, labelType, classOrder, cap, maxColumns);
    }

    /** Cap on the number of columns; a wider header or record is refused. */
    public CsvReader withMaxColumns(int cap) {
        if (cap < 2) {
            throw new IllegalArgumentException("maxColumns must be at least 2 (a feature and a label), got " + cap);
        }
        return new CsvReader(label, features, labelType, classOrder, maxRows, cap);
    }

    /** Reads a UTF-8 file; the file name is used as the source in messages. */
    public Table read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.getFileName() == null ? file.toString() : file.getFileName().toString());
        }
    }

    /** Parses CSV text held in a string (for tests and small inputs). */
    public Table parse(String csv, String sourceName) throws DataFormatException {
        try {
            return read(new StringReader(csv), sourceName);
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("a StringReader cannot fail", e);
        }
    }

    /**
     * Reads CSV from {@code in} (not closed here); {@code sourceName} names the input in error messages.
     */
    public Table read(Reader in, String sourceName) throws IOException {
        RecordParser parser = new RecordParser(in instanceof BufferedReader ? in : new BufferedReader(in),
                sourceName, maxColumns);
        List<String> header = new ArrayList<>();
        if (!parser.next(header)) {
            throw new DataFormatException(sourceName + ": empty file (no header row)");
        }
        Map<String, Integer> position = new HashMap<>();
        for (int j = 0; j < header.size(); j++) {
            String name = header.get(j);
            if (name.isEmpty()) {
                throw new DataFormatException(sourceName + ": line 1 (header): column " + (j + 1) + " has an empty name");
            }
            Integer previous = position.put(name, j);
            if (previous != null) {
                throw new DataFormatException(sourceName + ": line 1 (header): duplicate column name '" + name
                        + "' (columns " + (previous + 1) + " and " + (j + 1) + ")");
            }
        }
        if (header.size() < 2 && features == null) {
            throw new DataFormatException(sourceName + ": line 1 (header): only one column '" + header.get(0)
                    + "'; need at least a feature and a label");
        }
        String labelName = label == null ? header.get(header.size() - 1) : label;
        int labelCol = column(position, header, labelName, sourceName, "label");
        List<String> featureNames = new ArrayList<>();
        List<Integer> featureCols = new ArrayList<>();
        if (features == null) {
            for (int j = 0; j < header.size(); j++) {
                if (j != labelCol) {
                    featureNames.add(header.get(j));
                    featureCols.add(j);
                }
            }
        } else {
            for (String f : features) {
                int j = column(position, header, f, sourceName, "feature");
                if (j == labelCol) {
                    throw new DataFormatException(sourceName + ": column '" + f
                            + "' is selected both as the label and as a feature");
                }
                if (featureCols.contains(j)) {
                    throw new DataFormatException(sourceName + ": feature column '" + f + "' is selected twice");
                }
                featureNames.add(f);
                featureCols.add(j);
            }
        }
        int d = featureCols.size();
        int[] cols = featureCols.stream().mapToInt(Integer::intValue).toArray();

        double[] values = new double[Math.max(16, 64 * d)];
        double[] numericLabels = new double[64];
        int[] classIds = new int[64];
        Map<String, Integer> classIdByName = new HashMap<>();
        List<String> classByFirstSeen = new ArrayList<>();
        if (classOrder != null) {
            for (String c : classOrder) {
                classIdByName.put(c, classByFirstSeen.size());
                classByFirstSeen.add(c);
            }
        }
        Boolean numeric = labelType == LabelType.NUMERIC ? Boolean.TRUE
                : labelType == LabelType.CATEGORICAL ? Boolean.FALSE : null;

        List<String> record = new ArrayList<>();
        int n = 0;
        while (parser.next(record)) {
            long line = parser.recordLine();
            int row = n + 1;
            if (n >= maxRows) {
                throw new DataFormatException(sourceName + ": line " + line + ": more than " + maxRows
                        + " data rows (the configured cap, withMaxRows)");
            }
            if (record.size() != header.size()) {
                throw new DataFormatException(sourceName + ": line " + line + " (data row " + row + ") has "
                        + record.size() + (record.size() == 1 ? " field" : " fields") + ", the header has "
                        + header.size());
            }
            if ((long) (n + 1) * d > values.length) {
                long want = Math.max((long) values.length * 2, (long) (n + 1) * d);
                if (want > Integer.MAX_VALUE - 8) {
                    throw new DataFormatException(sourceName + ": line " + line
                            + ": table too large for one array (" + (n + 1) + " rows x " + d + " features)");
                }
                values = Arrays.copyOf(values, (int) want);
            }
            for (int c = 0; c < d; c++) {
                values[n * d + c] = number(record.get(cols[c]), sourceName, line, row, header.get(cols[c]));
            }
            String rawLabel = record.get(labelCol);
            if (numeric == null) {
                numeric = NUMBER.matcher(rawLabel).matches() || NON_FINITE.matcher(rawLabel).matches();
            }
            if (n == numericLabels.length) {
                numericLabels = Arrays.copyOf(numericLabels, n * 2);
                classIds = Arrays.copyOf(classIds, n * 2);
            }
            if (numeric) {
                numericLabels[n] = number(rawLabel, sourceName, line, row, labelName);
            } else {
                if (rawLabel.isEmpty()) {
                    throw new DataFormatException(sourceName + ": line " + line + " (data row " + row
                            + "), label column '" + labelName + "': empty value");
                }
                Integer id = classIdByName.get(rawLabel);
                if (id == null) {
                    if (classOrder != null) {
                        throw new DataFormatException(sourceName + ": line " + line + " (data row " + row
                                + "), label column '" + labelName + "': unknown class \"" + rawLabel
                                + "\"; expected one of " + classOrder);
                    }
                    id = classByFirstSeen.size();
                    classIdByName.put(rawLabel, id);
                    classByFirstSeen.add(rawLabel);
                }
                classIds[n] = id;
            }
            n++;
        }
        if (n == 0) {
            throw new DataFormatException(sourceName + ": no data rows after the header");
        }
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = Arrays.copyOfRange(values, i * d, (i + 1) * d);
        }
        if (numeric) {
            return Table.owning(featureNames, x, labelName, Arrays.copyOf(numericLabels, n), List.of());
        }
        List<String> classNames;
        int[] remap = new int[classByFirstSeen.size()];
        if (classOrder != null) {
            classNames = classOrder;
            for (int c = 0; c < remap.length; c++) {
                remap[c] = c;
            }
        } else {
            TreeMap<String, Integer> sorted = new TreeMap<>();
            for (int c = 0; c < classByFirstSeen.size(); c++) {
                sorted.put(classByFirstSeen.get(c), c);
            }
            classNames = new ArrayList<>(sorted.keySet());
            int k = 0;
            for (int original : sorted.values()) {
                remap[original] = k++;
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = remap[classIds[i]];
        }
        return Table.owning(featureNames, x, labelName, y, classNames);
    }

    private static int column(Map<String, Integer> position, List<String> header, String name, String source,
            String role) throws DataFormatException {
        Integer j = position.get(name);
        if (j == null) {
            throw new DataFormatException(source + ": no " + role + " column '" + name + "'; available columns: "
                    + String.join(", ", header));
        }
        return j;
    }

    private static double number(String raw, String source, long line, int row, String column)
            throws DataFormatException {
        String s = raw.strip();
        String where = source + ": line " + line + " (data row " + row + "), column '" + column + "': ";
        if (s.isEmpty()) {
            throw new DataFormatException(where + "empty value");
        }
        if (NON_FINITE.matcher(s).matches()) {
            throw new DataFormatException(where + "non-finite value \"" + s + "\" (NaN and Infinity are not allowed)");
        }
        if (!NUMBER.matcher(s).matches()) {
            throw new DataFormatException(where + "not a number: \"" + abbreviate(s) + "\"");
        }
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw new DataFormatException(where + "value \"" + s + "\" overflows a double");
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CsvReader[label=%s, features=%s, labelType=%s, classes=%s, maxRows=%d, "
                + "maxColumns=%d]", label == null ? "<last>" : label, features == null ? "<all others>" : features,
                labelType, classOrder, maxRows, maxColumns);
    }

    /** Splits a character stream into records, tracking physical line numbers. */
    private static final class RecordParser {
        private final Reader in;
        private final String source;
        private final int maxColumns;
        private final StringBuilder field = new StringBuilder();
        private long line = 1;
        private long recordLine;
        private int pushedBack = -2;
        private boolean started;

        RecordParser(Reader in, String source, int maxColumns) {
            this.in = in;
            this.source = source;
            this.maxColumns = maxColumns;
        }

        long recordLine() {
            return recordLine;
        }

        private int read() throws IOException {
            if (pushedBack != -2) {
                int c = pushedBack;
                pushedBack = -2;
                return c;
            }
            int c = in.read();
            if (!started) {
                started = true;
                if (c == '\uFEFF') {
                    c = in.read();
                }
            }
            return c;
        }

        /** Reads the next non-empty record into {@code out}; false at end of input. */
        boolean next(List<String> out) throws IOException {
            while (true) {
                out.clear();
                recordLine = line;
                int c = read();
                if (c == -1) {
                    return false;
                }
                if (c == '\n') {
                    line++;
                    continue;
                }
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        pushedBack = d;
                    }
                    line++;
                    continue;
                }
                pushedBack = c;
                readRecord(out);
                return true;
            }
        }

        private void readRecord(List<String> out) throws IOException {
            while (true) {
                field.setLength(0);
                int c = read();
                while (c == ' ' || c == '\t') {
                    c = read();
                }
                if (c == '"') {
                    long start = line;
                    while (true) {
                        c = read();
                        if (c == -1) {
                            throw new DataFormatException(source + ": line " + start + ": quoted field in column "
                                    + (out.size() + 1) + " is never closed (missing \")");
                        }
                        if (c == '"') {
                            c = read();
                            if (c == '"') {
                                field.append('"');
                                continue;
                            }
                            break;
                        }
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                    while (c == ' ' || c == '\t') {
                        c = read();
                    }
                    if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                        throw new DataFormatException(source + ": line " + line + ", column " + (out.size() + 1)
                                + ": unexpected character '" + (char) c + "' after a closing quote");
                    }
                    add(out, field.toString());
                } else {
                    while (c != ',' && c != '\n' && c != '\r' && c != -1) {
                        if (c == '"') {
                            throw new DataFormatException(source + ": line " + line + ", column " + (out.size() + 1)
                                    + ": quote inside an unquoted field (quote the whole field and double inner quotes)");
                        }
                        field.append((char) c);
                        c = read();
                    }
                    add(out, field.toString().strip());
                }
                if (c == ',') {
                    continue;
                }
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        pushedBack = d;
                    }
                    line++;
                } else if (c == '\n') {
                    line++;
                }
                return;
            }
        }

        private void add(List<String> out, String value) throws DataFormatException {
            if (out.size() >= maxColumns) {
                throw new DataFormatException(source + ": line " + recordLine + ": more than " + maxColumns
                        + " columns (the configured cap, withMaxColumns)");
            }
            out.add(value);
        }
    }
}
