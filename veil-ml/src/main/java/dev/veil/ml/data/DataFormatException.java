package dev.veil.ml.data;

import java.io.IOException;

/**
 * A data file could not be turned into a {@link Table}: a missing column, a value that is not a
 * finite number, a ragged row, an empty file, a size cap exceeded, a malformed quoted field.
 *
 * <p>It extends {@link IOException} because it is a property of an input file, reported where the
 * file is read, next to genuine I/O failures; callers that only want to tell the user "this file is
 * unusable" can catch {@code IOException} once. The message always names the source and, where it
 * applies, the physical line, the data row (1-based, the header is not counted), the column name and
 * the offending value, for example
 * {@code data.csv: line 5 (data row 4), column 'age': not a number: "abc"}.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message the complete, user-facing description of the problem */
    public DataFormatException(String message) {
        super(message);
    }
}
