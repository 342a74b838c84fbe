package io.signalbox.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written name and label-value checks accept exactly what their published patterns accept. */
class ValidationWordsTest {
    private static final String ALPHABET = "az09AZ_-./ \n\u0000\u0435\uff57\u00e9$";

    @Test
    void namesAndLabelValuesAreCheckedAsTheirPatternsSay() {
        Random random = new Random(3);
        int accepted = 0;
        for (int round = 0; round < 200_000; round++) {
            String value = randomWord(random);
            boolean name = Validation.NAME.matcher(value).matches();
            assertEquals(name, Validation.isName(value), () -> "name " + Rejection.quote(value));
            assertEquals(Validation.LABEL_VALUE.matcher(value).matches(), Validation.isLabelValue(value),
                    () -> "label value " + Rejection.quote(value));
            accepted += name ? 1 : 0;
        }
        assertEquals(false, Validation.isName(null));
        assertEquals(false, Validation.isLabelValue(null));
        assertEquals(true, accepted > 10_000, accepted + " names accepted: the words drawn are too rarely valid to test anything");
    }

    /** Mostly words near the rules' edges: lengths around 63, a first character that may or may not be allowed. */
    private static String randomWord(Random random) {
        int length = random.nextInt(4) == 0 ? 60 + random.nextInt(6) : random.nextInt(8);
        StringBuilder word = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            boolean usual = random.nextInt(20) != 0;
            word.append(usual ? (char) ('a' + random.nextInt(26)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            if (usual && random.nextInt(6) == 0) {
                word.setCharAt(i, "0123456789_-.".charAt(random.nextInt(13)));
            }
        }
        return word.toString();
    }
}
