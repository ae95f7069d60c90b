/* Python's repr() of a str, for messages that quote names as Supervisor's do. */
#ifndef REPR_H
#define REPR_H

/*
 * s between quotes chosen as Python chooses them, with backslashes, the
 * quote and control characters escaped. Caller frees.
 */
char	*repr_string(const char *s);

#endif
