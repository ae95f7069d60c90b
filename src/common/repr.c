/*
 * Python's repr() of a str. Supervisor quotes names and commands with it
 * in log lines and fault texts, and supervisorctl in its messages; both
 * ends must quote byte for byte as Python does.
 */
#include <stdio.h>
#include <string.h>

#include "repr.h"
#include "xmalloc.h"

/* Quotes chosen as Python chooses them: double only to spare escapes. */
char *
repr_string(const char *s)
{
	const char	*p;
	char		*out, *q, quote;

	quote = (strchr(s, '\'') != NULL && strchr(s, '"') == NULL) ?
	    '"' : '\'';
	out = q = xmalloc(strlen(s) * 4 + 3);
	*q++ = quote;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = *p;

		if (c == '\\' || c == (unsigned char)quote) {
			*q++ = '\\';
			*q++ = c;
		} else if (c == '\n')
			q = stpcpy(q, "\\n");
		else if (c == '\r')
			q = stpcpy(q, "\\r");
		else if (c == '\t')
			q = stpcpy(q, "\\t");
		else if (c < 0x20 || c == 0x7f)
			q += sprintf(q, "\\x%02x", c);
		else
			*q++ = c;
	}
	*q++ = quote;
	*q = '\0';
	return (out);
}
