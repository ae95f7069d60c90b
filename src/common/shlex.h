/*
 * The two Python shlex dialects Supervisor uses: shlex.split() (POSIX mode)
 * for command=, and the non-POSIX shlex lexer behind
 * datatypes.dict_of_key_value_pairs() for environment=.
 */
#ifndef SHLEX_H
#define SHLEX_H

#include <stddef.h>

/*
 * Split like shlex.split(s): POSIX rules, quotes and backslash escapes;
 * '#' is an ordinary character, as split() leaves comments off.
 * Returns a NULL-terminated argv (free with shlex_free_argv) and sets *argc,
 * or NULL with *cause (caller frees): "No closing quotation" or
 * "No escaped character", as Python says.
 */
char	**shlex_split(const char *s, int *argc, char **cause);
void	  shlex_free_argv(char **argv);

struct shlex_pair {
	char	*key;
	char	*value;
};

/*
 * Parse KEY=val,KEY2="v, 2" exactly as dict_of_key_value_pairs() does
 * (tokens from shlex.shlex with wordchars + '/.+-():', groups of
 * key '=' value separated by one token, quotes stripped from values; later
 * duplicates replace earlier ones, keeping the first position). Returns the
 * number of pairs and sets *pairs (free with shlex_free_pairs), or -1 with
 * *cause (caller frees): "Unexpected end of key/value pairs in value '...'".
 */
int	  shlex_parse_pairs(const char *s, struct shlex_pair **pairs,
	      char **cause);
void	  shlex_free_pairs(struct shlex_pair *pairs, int n);

#endif
