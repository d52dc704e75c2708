#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dhcp.h"
#include "esc.h"
#include "nl.h"
#include "observe.h"
#include "source.h"
#include "store.h"
#include "want-json.h"
#include <unistd.h>

static bool same_diag(const struct diag *a, const struct diag *b)
{
	return a->severity == b->severity && a->line == b->line && a->col == b->col &&
	       strcmp(a->msg, b->msg) == 0 &&
	       strcmp(a->file ? a->file : "", b->file ? b->file : "") == 0;
}

void cmd_print_diags(struct diag_list *diags)
{
	diag_sort(diags);
	for (size_t i = 0; i < diags->n; i++) {
		char *s;

		if (i > 0 && same_diag(&diags->v[i - 1], &diags->v[i]))
			continue;
		s = diag_format(&diags->v[i]);
		fprintf(stderr, "%s\n", s ? s : "error: out of memory formatting a message");
		free(s);
	}
	if (diags->truncated)
		fprintf(stderr, "(further problems not shown: more than %zu)\n", diags->n);
}

void cmd_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	/* Messages quote names, paths and library messages: escaped. */
	fprintf(stderr, "hostnet %s: ", cmd);
	va_start(ap, fmt);
	esc_vline(stderr, fmt, ap);
	va_end(ap);
}

int cmd_read_kernel(const char *cmd, struct kobj_set *out)
{
	struct hnl *nl = NULL;
	int r = hnl_open(&nl);

	if (r < 0) {
		cmd_fail(cmd, "cannot open a netlink socket: %s", strerror(-r));
		return r;
	}
	r = observe_all(out, nl);
	if (r < 0)
		cmd_fail(cmd, "cannot read the kernel's network state: %s%s%s", strerror(-r),
			 *hnl_errmsg(nl) ? ": " : "", hnl_errmsg(nl));
	hnl_close(nl);
	return r;
}

const char *cmd_state_path(const struct cmd_state_opts *o)
{
	const char *env = getenv("HOSTNET_STATE");

	if (o->path)
		return o->path;
	return env && *env ? env : CMD_STATE_DEFAULT;
}

int cmd_kernel_caps(const struct cmd_state_opts *so, uint32_t *caps)
{
	static const struct cmd_state_opts dflt = CMD_STATE_OPTS_INIT;
	char *copy = strdup(cmd_state_path(so ? so : &dflt));
	int r;

	if (!copy)
		return -ENOMEM;
	r = observe_caps_cached(caps, dirname(copy));
	free(copy);
	return r;
}

int cmd_parse_seconds(const char *s, unsigned *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400)
		return -EINVAL;
	*ms = (unsigned)(v * 1000 + 0.5);
	return 0;
}

void cmd_store_opts(const struct cmd_state_opts *o, struct store_open_opts *out)
{
	*out = (struct store_open_opts)STORE_OPEN_OPTS_INIT;
	out->lock_timeout_ms = o->lock_timeout_ms;
	/* Test hook (tests/ns/full-disk.sh): no reserve, so that a full disk
	 * makes the writes after a kernel change fail. */
	if (getenv("HOSTNET_TEST_NO_RESERVE"))
		out->reserve_bytes = 0;
}

struct store *cmd_open_state(const char *cmd, const struct cmd_state_opts *o, unsigned flags)
{
	struct store_open_opts so;
	struct store *st = NULL;
	char *err = NULL;
	int r;

	cmd_store_opts(o, &so);
	r = store_open(&st, cmd_state_path(o), flags, &so, &err);
	if (r < 0)
		cmd_fail(cmd, "%s", err ? err : strerror(-r));
	free(err);
	return st;
}

const char *cmd_default_host(void)
{
	static char name[256];

	if (gethostname(name, sizeof(name) - 1) < 0 || !name[0])
		snprintf(name, sizeof(name), "localhost");
	/* The short name: profiles are hosts/<short>.yaml. */
	name[strcspn(name, ".")] = '\0';
	return name;
}

int cmd_generation_host(const char *cmd, struct store *st, const char *given, char **out)
{
	char **hosts = NULL, *err = NULL;
	size_t n = 0;
	int r;

	if (given)
		return (*out = strdup(given)) ? 0 : -ENOMEM;
	r = store_generation_hosts(&hosts, &n, st, &err);
	if (r < 0) {
		cmd_fail(cmd, "%s", err ? err : strerror(-r));
		goto out;
	}
	if (n > 1) {
		/* Guessing would compare the host with another host's profile. */
		fprintf(stderr, "hostnet %s: %s holds applied generations of %zu hosts (", cmd,
			store_path(st), n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", hosts[i]);
		fprintf(stderr, "); --host picks one\n");
		r = -EINVAL;
		goto out;
	}
	*out = strdup(n == 1 ? hosts[0] : cmd_default_host());
	r = *out ? 0 : -ENOMEM;
out:
	store_hosts_free(hosts, n);
	free(err);
	return r;
}

int cmd_generation_want(const char *cmd, struct store *st, const struct store_generation *g,
			struct want *out)
{
	char *err = NULL;
	int r = store_generation_want(out, st, g, &err);

	if (r < 0)
		cmd_fail(cmd, "generation %lld has no readable desired state: %s", (long long)g->id,
			 err ? err : strerror(-r));
	free(err);
	return r;
}

/* The options every command shares; values above any character. */
enum {
	CMD_OPT_ID_VERSION = 0x100,
	CMD_OPT_ID_STATE,
	CMD_OPT_ID_LOCK,
};

static const struct option common_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, CMD_OPT_ID_VERSION },
	{ "state", required_argument, NULL, CMD_OPT_ID_STATE },
	{ "lock-timeout", required_argument, NULL, CMD_OPT_ID_LOCK },
};

static void common_usage(const struct cmd_parser *p, FILE *f)
{
	fprintf(f, "\nOptions of every command:\n");
	if (p->flags & CMD_OPT_STATE)
		fprintf(f, "  --state PATH      the state database (default $HOSTNET_STATE, else\n"
			   "                    " CMD_STATE_DEFAULT ")\n");
	else
		fprintf(f, "  --state PATH      accepted for one command line everywhere; %s does not\n"
			   "                    open the state database\n", p->cmd);
	if (p->flags & CMD_OPT_LOCK)
		fprintf(f, "  --lock-timeout S  wait up to S seconds for another hostnet's lock on the\n"
			   "                    state database (default 5), then fail naming its PID\n");
	fprintf(f, "  -h, --help        this help\n"
		   "  --version         print hostnet's version\n");
}

static int build(struct cmd_parser *p, const char *shortopts, const struct option *longopts)
{
	size_t n = 0;

	for (; longopts && longopts[n].name; n++)
		if (n < CMD_GETOPT_MAX)
			p->all[n] = longopts[n];
	for (size_t i = 0; i < sizeof(common_opts) / sizeof(*common_opts); i++) {
		if (common_opts[i].val == CMD_OPT_ID_LOCK && !(p->flags & CMD_OPT_LOCK))
			continue;
		if (n < CMD_GETOPT_MAX)
			p->all[n] = common_opts[i];
		n++;
	}
	if (n >= CMD_GETOPT_MAX ||
	    (size_t)snprintf(p->shortopts, sizeof(p->shortopts), "h%s", shortopts) >= sizeof(p->shortopts))
		return -E2BIG;  /* a programming error: the tables are too small */
	p->all[n] = (struct option){ 0 };
	snprintf(p->prog, sizeof(p->prog), "hostnet %s", p->cmd);
	/* 0, not 1: glibc then also forgets a previous parse's permutation. */
	optind = 0;
	return 0;
}

int cmd_getopt(struct cmd_parser *p, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	char *argv0 = argv[0];
	int c;

	if (!p->all[0].name && build(p, shortopts, longopts) < 0) {
		cmd_fail(p->cmd, "internal error: too many options");
		p->exit = CMD_EXIT_ERROR;
		return CMD_GETOPT_EXIT;
	}
	/* getopt names argv[0] in its messages: make them say "hostnet drift". */
	argv[0] = p->prog;
	opterr = 1;
	c = getopt_long(argc, argv, p->shortopts, p->all, NULL);
	argv[0] = argv0;
	switch (c) {
	case 'h':
		p->usage(stdout);
		common_usage(p, stdout);
		p->exit = CMD_EXIT_OK;
		return CMD_GETOPT_EXIT;
	case CMD_OPT_ID_VERSION:
		printf("hostnet %s\n", PACKAGE_VERSION);
		p->exit = CMD_EXIT_OK;
		return CMD_GETOPT_EXIT;
	case CMD_OPT_ID_STATE:
		p->so->path = optarg;
		return cmd_getopt(p, argc, argv, shortopts, longopts);
	case CMD_OPT_ID_LOCK:
		if (cmd_parse_seconds(optarg, &p->so->lock_timeout_ms) < 0) {
			cmd_fail(p->cmd, "--lock-timeout: '%s' is not a number of seconds", optarg);
			p->exit = CMD_EXIT_ERROR;
			return CMD_GETOPT_EXIT;
		}
		return cmd_getopt(p, argc, argv, shortopts, longopts);
	case '?':
		/* getopt said which option and why, naming the command. */
		fprintf(stderr, "Try '%s --help'.\n", p->prog);
		p->exit = CMD_EXIT_ERROR;
		return CMD_GETOPT_EXIT;
	default:
		return c;
	}
}

int cmd_open_file_source(const char *file, struct cmd_file_source *out)
{
	char *d1 = strdup(file), *d2 = strdup(file);
	struct cmd_file_source fs = { 0 };
	const char *dir, *base, *parent;
	int r = -ENOMEM;

	if (!d1 || !d2)
		goto out;
	dir = dirname(d1);
	base = basename(d2);
	parent = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	if (strcmp(parent, "hosts") == 0) {
		size_t root_len = (size_t)(parent - dir), blen = strlen(base);

		if (asprintf(&fs.path, "hosts/%s", base) < 0 ||
		    asprintf(&fs.prefix, "%.*s", (int)root_len, dir) < 0)
			goto out;
		if (blen > 5 && strcmp(base + blen - 5, ".yaml") == 0 &&
		    !(fs.host = strndup(base, blen - 5)))
			goto out;
		r = source_open_dir(&fs.src, root_len ? fs.prefix : ".");
	} else {
		if (!(fs.path = strdup(base)) || asprintf(&fs.prefix, "%s/", dir) < 0)
			goto out;
		if (strcmp(dir, ".") == 0 && file[0] != '.')
			fs.prefix[0] = '\0';
		r = source_open_dir(&fs.src, dir);
	}
out:
	free(d1);
	free(d2);
	if (r < 0) {
		cmd_file_source_clear(&fs);
		return r;
	}
	*out = fs;
	return 0;
}

void cmd_file_source_clear(struct cmd_file_source *fs)
{
	source_free(fs->src);
	free(fs->path);
	free(fs->prefix);
	free(fs->host);
	*fs = (struct cmd_file_source){ 0 };
}

void cmd_dhcp_ctx(struct dhcp_ctx *c, const struct cmd_state_opts *so, char *dir, size_t dsize,
		  char *self, size_t ssize)
{
	const char *db = cmd_state_path(so), *slash = strrchr(db, '/');
	ssize_t n = readlink("/proc/self/exe", self, ssize - 1);

	self[n > 0 ? n : 0] = '\0';
	if (slash)
		snprintf(dir, dsize, "%.*s/dhcp", (int)(slash - db), db);
	else
		snprintf(dir, dsize, "dhcp");
	*c = (struct dhcp_ctx){ .run_dir = dir, .udhcpc = dhcp_find_client(), .self = self };
}

int cmd_applied_want(const struct cmd_state_opts *o, struct want *out)
{
	struct store_open_opts so;
	struct store_generation g = { 0 };
	struct store *st = NULL;
	char **hosts = NULL, *err = NULL;
	const char *path = cmd_state_path(o), *host;
	size_t n = 0;
	int r;

	*out = (struct want){ 0 };
	/* No database: nothing was applied here; do not create one to say so. */
	if (access(path, R_OK) < 0)
		return 0;
	cmd_store_opts(o, &so);
	r = store_open(&st, path, STORE_READONLY, &so, &err);
	if (r == 0)
		r = store_generation_hosts(&hosts, &n, st, &err);
	if (r < 0 || n == 0)
		goto out;
	/* One host: that one; several: this machine's (it is the kernel's). */
	host = n == 1 ? hosts[0] : cmd_default_host();
	free(err);
	err = NULL;
	if (store_generation_last_applied(&g, st, host, &err) == 0)
		r = store_generation_want(out, st, &g, &err);
out:
	if (r < 0)
		want_clear(out);
	store_generation_clear(&g);
	store_hosts_free(hosts, n);
	store_close(st);
	free(err);
	return r == -ENOMEM ? r : 0;
}
