/*
 * benchexec: run one or more commands one after the other and report the
 * whole-process cost: wall time from the first fork to the last exit, the
 * largest maximum RSS of any of them (getrusage via wait4), the first
 * non-zero exit status and the CPU time (user + system) of all of them.
 *
 *   benchexec [-r RESULT] [-i IN] [-o OUT] [-e ERR] CMD [ARGS...] [+++ CMD [ARGS...]]...
 *
 * RESULT (default: stdout) gets one line "SECONDS MAXRSS_KIB STATUS CPU_SECONDS"
 * appended.  CPU time is what the processes used themselves; kernel work
 * they caused in workers (namespace teardown, link events) is not in it.
 * Every command reads IN (default /dev/null) and writes OUT and ERR (default
 * /dev/null), so output formatting is measured but no terminal or pipe reader
 * is.  The wrapper itself is not a shell: nothing else runs in the timed
 * window but fork, exec and wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0) {
		fprintf(stderr, "benchexec: %s: %s\n", path, strerror(errno));
		exit(125);
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *res = NULL, *in = "/dev/null", *out = "/dev/null", *err = "/dev/null";
	struct timespec t0, t1;
	long maxrss = 0;
	double cpu = 0;
	int status = 0, opt, i;

	while ((opt = getopt(argc, argv, "+r:i:o:e:")) != -1) {
		switch (opt) {
		case 'r': res = optarg; break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'e': err = optarg; break;
		default:
			fprintf(stderr, "usage: benchexec [-r RESULT] [-i IN] [-o OUT] [-e ERR] CMD... [+++ CMD...]\n");
			return 125;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "benchexec: no command\n");
		return 125;
	}
	int fin = open_or_die(in, O_RDONLY);
	int fout = open_or_die(out, O_WRONLY | O_CREAT | O_APPEND);
	int ferr = open_or_die(err, O_WRONLY | O_CREAT | O_APPEND);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = optind; i < argc;) {
		int j = i, st;
		struct rusage ru;
		pid_t pid;

		while (j < argc && strcmp(argv[j], "+++") != 0)
			j++;
		argv[j < argc ? j : argc] = NULL;  /* argv[argc] is NULL already */
		pid = fork();
		if (pid < 0) {
			perror("benchexec: fork");
			return 125;
		}
		if (pid == 0) {
			if (lseek(fin, 0, SEEK_SET) < 0 && errno != ESPIPE)
				_exit(126);
			dup2(fin, 0);
			dup2(fout, 1);
			dup2(ferr, 2);
			execvp(argv[i], &argv[i]);
			dprintf(ferr, "benchexec: %s: %s\n", argv[i], strerror(errno));
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) < 0) {
			perror("benchexec: wait4");
			return 125;
		}
		cpu += (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!status)
			status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		i = j + 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	FILE *f = res ? fopen(res, "a") : stdout;
	if (!f) {
		fprintf(stderr, "benchexec: %s: %s\n", res, strerror(errno));
		return 125;
	}
	fprintf(f, "%.6f %ld %d %.6f\n",
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, maxrss, status, cpu);
	fclose(f);
	return 0;
}
