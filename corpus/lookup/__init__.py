"""The three lookups over an open `Store`: by date (`date`), by topic (`topic`) and by
remembered words (`quote`); `date_query` parses the dates users type and `highlight` marks
the words a topic hit matched."""
