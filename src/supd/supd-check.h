/*
 * supd check and supd echo-config: the commands that read (or show) a
 * config and exit, without starting anything.
 */
#ifndef SUPD_CHECK_H
#define SUPD_CHECK_H

#include <stdio.h>

struct cmdline;

/*
 * Load the config as supd would start it, environment files included,
 * and report every problem as file:line; with print, write the effective
 * config to stdout. Binds nothing, writes no log or pidfile, starts
 * nothing. Returns the exit status: 0, or 2 when there is a problem.
 */
int	supd_check(struct cmdline *, int print);

/* Write a commented sample config. */
void	supd_echo_config(FILE *);

#endif
