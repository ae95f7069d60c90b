/* supctl's interactive shell: a prompt with line editing and history. */
#ifndef SHELL_H
#define SHELL_H

struct cmd_ctx;

/* Run "status", then actions typed at "<prompt>> " until EOF or quit. */
void	shell_run(struct cmd_ctx *, const char *prompt, const char *history);

#endif
