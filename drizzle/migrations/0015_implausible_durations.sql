-- A cut Ogg file could be read as lasting 13,000 years (a header page's granule position -1);
-- durations longer than two days or below zero are unknown, as the scanner now records them.
UPDATE `tracks` SET `duration_ms` = NULL WHERE `duration_ms` > 172800000 OR `duration_ms` < 0;
