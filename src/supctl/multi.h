/* status of several daemons at once, as one table with a HOST column. */
#ifndef MULTI_H
#define MULTI_H

struct multi_opts {
	char		**urls;
	int		  nurls;
	const char	 *username;
	const char	 *password;
	int		  timeout_ms;	/* 0: none */
};

/*
 * Ask every URL in parallel and print one table. Returns 1 when a host
 * did not answer (it gets an UNREACHABLE row), else status's usual codes.
 */
int	multi_status(const struct multi_opts *);

#endif
