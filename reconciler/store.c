/* store: opening, migrating, checking and closing the state database, and the
 * helpers the other store-*.c files share (errors, transactions, binding).
 *
 * This is where SQLite's result codes become negative errnos, with
 * sqlite3_errmsg() captured at the failing call. */
#include "store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "hnst", as PRAGMA application_id in state/0001-initial.sql. */
#define STORE_APPLICATION_ID 0x686e7374
/* Readers in WAL mode wait only for a checkpoint or recovery; writers are
 * already serialized by the lock file, so this is rarely reached. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* --- errors and shared helpers ----------------------------------------- */

int store_fail(char **errmsg, int r, const char *fmt, ...)
{
	va_list ap;

	if (!errmsg || *errmsg)
		return r;
	va_start(ap, fmt);
	if (vasprintf(errmsg, fmt, ap) < 0)
		*errmsg = NULL;
	va_end(ap);
	return r;
}

static int errno_from_sqlite(sqlite3 *db, int rc)
{
	int e;

	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PROTOCOL:
		return -EBUSY;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_CORRUPT:
		return -EUCLEAN;
	case SQLITE_NOTADB:
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
	case SQLITE_TOOBIG:
		return -EINVAL;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_INTERRUPT:
		return -EINTR;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		e = db ? sqlite3_system_errno(db) : 0;
		return e > 0 ? -e : -EIO;
	default:
		return -EIO;
	}
}

static bool is_damage(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* The first damage seen by this process, for store_damage_seen(). */
static char damage_seen[1024];

/* Marks the store damaged, once, with what was being done when it showed
 * (NULL: a statement whose caller may say later). */
static void note_damage(struct store *st, const char *what, const char *detail)
{
	if (st->damage)
		return;
	if (asprintf(&st->damage,
		     "state database %s is damaged (%s%s%s), so hostnet stops and writes nothing more to it. "
		     "To recover, move it aside with its -wal and -shm files (mv %s %s.damaged), see what is wrong "
		     "with 'hostnet state check --state %s.damaged', and run again: a new database is started "
		     "(desired state is in git; only history is lost)",
		     st->path, what ? what : "", what ? ": " : "", detail, st->path, st->path,
		     st->path) < 0) {
		st->damage = NULL;
		return;
	}
	if (!damage_seen[0])
		snprintf(damage_seen, sizeof(damage_seen), "%s", st->damage);
}

const char *store_damage_seen(void)
{
	return damage_seen[0] ? damage_seen : NULL;
}

bool store_damaged(const struct store *st)
{
	return st->damage != NULL;
}

int store_fail_damaged(struct store *st, char **errmsg)
{
	return store_fail(errmsg, -EUCLEAN, "%s",
			  st->damage ? st->damage : "state database is damaged");
}

int store_fail_corrupt(struct store *st, char **errmsg, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	note_damage(st, "content check", detail);
	return store_fail_damaged(st, errmsg);
}

int store_fail_sql(struct store *st, char **errmsg, int rc, const char *what)
{
	int r = errno_from_sqlite(st->db, rc);
	const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);

	/* Said plainly, and the same whatever the statement: the user's next
	 * step (move it aside) differs from any other failure. */
	if (is_damage(rc)) {
		note_damage(st, what, msg);
		return store_fail_damaged(st, errmsg);
	}
	return store_fail(errmsg, r, "state database %s: %s: %s", st->path, what, msg);
}

int store_step(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (is_damage(rc))
		note_damage(st, NULL, sqlite3_errmsg(st->db));
	return rc;
}

int store_insert_blob(struct store *st, const char *sql, int64_t id, const void *blob, size_t len,
		      const char *what, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r = store_prepare(st, &s, sql, errmsg);

	if (r < 0)
		return r;
	rc = sqlite3_bind_int64(s, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob64(s, 2, blob, len, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = store_step(st, s);
	if (rc != SQLITE_DONE)
		r = store_fail_sql(st, errmsg, rc, what);
	sqlite3_finalize(s);
	return r;
}

int store_exec(struct store *st, const char *sql, const char *what, char **errmsg)
{
	int rc;

	if (st->damage)
		return store_fail_damaged(st, errmsg);
	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : store_fail_sql(st, errmsg, rc, what);
}

int store_need_write(struct store *st, char **errmsg)
{
	if (st->flags & STORE_WRITE)
		return 0;
	return store_fail(errmsg, -EROFS, "state database %s is open read-only", st->path);
}

int store_tx_begin(struct store *st, char **errmsg)
{
	/* IMMEDIATE: take the write lock now, so a conflict shows here and not
	 * halfway through a snapshot. */
	return store_exec(st, "BEGIN IMMEDIATE", "starting a transaction", errmsg);
}

int store_tx_commit(struct store *st, char **errmsg)
{
	return store_exec(st, "COMMIT", "committing", errmsg);
}

void store_tx_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_prepare(struct store *st, sqlite3_stmt **out, const char *sql, char **errmsg)
{
	int rc;

	*out = NULL;
	if (st->damage)
		return store_fail_damaged(st, errmsg);
	rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
	return rc == SQLITE_OK ? 0 : store_fail_sql(st, errmsg, rc, "preparing a query");
}

int store_bind_text(sqlite3_stmt *s, int col, const char *text)
{
	return text ? sqlite3_bind_text(s, col, text, -1, SQLITE_STATIC)
		    : sqlite3_bind_null(s, col);
}

int store_bind_ref(sqlite3_stmt *s, int col, int64_t id)
{
	return id ? sqlite3_bind_int64(s, col, id) : sqlite3_bind_null(s, col);
}

int store_column_strdup(char **out, sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	*out = NULL;
	if (!t)
		return sqlite3_column_type(s, col) == SQLITE_NULL ? 0 : -ENOMEM;
	*out = strdup((const char *)t);
	return *out ? 0 : -ENOMEM;
}

int64_t store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- open -------------------------------------------------------------- */

/* mkdir -p of the directory holding `path`, each new level 0700. */
static int make_parent_dirs(const char *path, char **errmsg)
{
	char *dir = strdup(path), *slash;
	int r = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		goto out;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == 0) {
			/* The umask may have removed bits from 0700. */
			if (chmod(dir, 0700) < 0) {
				r = store_fail(errmsg, -errno, "cannot set the mode of %s: %s",
					       dir, strerror(errno));
				goto out;
			}
		} else if (errno != EEXIST) {
			r = store_fail(errmsg, -errno, "cannot create directory %s: %s",
				       dir, strerror(errno));
			goto out;
		}
		*p = c;
		if (!c)
			break;
	}
out:
	free(dir);
	return r;
}

static int open_sqlite(struct store *st, char **errmsg)
{
	int oflags = st->flags & STORE_WRITE ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	char *name = NULL;
	int rc, r = 0;

	/* Debian's SQLite interprets "file:..." names as URIs; "./" keeps a
	 * path a path. */
	if (strncmp(st->path, "file:", 5) == 0) {
		if (asprintf(&name, "./%s", st->path) < 0)
			return -ENOMEM;
	}
	rc = sqlite3_open_v2(name ? name : st->path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		if (!st->db)
			return store_fail(errmsg, -ENOMEM, "cannot open state database %s: %s",
					  st->path, sqlite3_errstr(rc));
		r = store_fail_sql(st, errmsg, rc, "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
out:
	free(name);
	return r;
}

/* One integer from a PRAGMA or SELECT. */
static int query_int(struct store *st, const char *sql, int64_t *out, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	r = store_prepare(st, &s, sql, errmsg);
	if (r < 0)
		return r;
	rc = store_step(st, s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else
		r = store_fail_sql(st, errmsg, rc, "reading the header");
	sqlite3_finalize(s);
	return r;
}

/* Decide from the header whether this is ours, and how far behind it is. */
static int check_header(struct store *st, char **errmsg)
{
	int64_t app_id = 0, version = 0, n_objects = 0;
	unsigned latest = store_schema_version_latest();
	int r;

	r = query_int(st, "PRAGMA application_id", &app_id, errmsg);
	if (r >= 0)
		r = query_int(st, "PRAGMA user_version", &version, errmsg);
	if (r >= 0)
		r = query_int(st, "SELECT count(*) FROM sqlite_master", &n_objects, errmsg);
	if (r < 0)
		return r;
	if (app_id != 0 && app_id != STORE_APPLICATION_ID)
		return store_fail(errmsg, -EINVAL,
				  "%s is not a hostnet state database (application id 0x%08x)",
				  st->path, (unsigned)app_id);
	/* Migration 1 sets the application id in the same transaction as
	 * user_version, so a hostnet file has both or neither. */
	if (app_id == 0 && (version != 0 || n_objects != 0))
		return store_fail(errmsg, -EINVAL,
				  "%s is not a hostnet state database (an SQLite database of another program)",
				  st->path);
	if (version < 0)
		return store_fail(errmsg, -EINVAL,
				  "%s is not a hostnet state database (schema version %lld)",
				  st->path, (long long)version);
	if (version > latest)
		return store_fail(errmsg, -EPROTO,
				  "state database %s is schema version %lld, newer than this hostnet (knows up to %u); upgrade hostnet",
				  st->path, (long long)version, latest);
	st->version = st->version_found = (unsigned)version;
	if (st->version < latest && !(st->flags & STORE_WRITE))
		return store_fail(errmsg, -EROFS,
				  "state database %s is schema version %u and needs migrating to %u, which a read-only open cannot do; run a command that records state first",
				  st->path, st->version, latest);
	return 0;
}

static int configure(struct store *st, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	const char *mode;
	int rc, r;

	r = store_exec(st, "PRAGMA foreign_keys = ON", "enabling foreign keys", errmsg);
	if (r < 0 || !(st->flags & STORE_WRITE))
		return r;
	/* WAL lets read-only commands (history, status) read while an apply
	 * writes.  The mode is persistent, so only writers set it. */
	r = store_prepare(st, &s, "PRAGMA journal_mode = WAL", errmsg);
	if (r < 0)
		return r;
	rc = store_step(st, s);
	if (rc != SQLITE_ROW) {
		r = store_fail_sql(st, errmsg, rc, "switching to WAL mode");
		goto out;
	}
	mode = (const char *)sqlite3_column_text(s, 0);
	if (!mode || strcmp(mode, "wal") != 0) {
		r = store_fail(errmsg, -EIO, "state database %s: cannot switch to WAL mode (mode stays %s)",
			       st->path, mode ? mode : "unknown");
		goto out;
	}
	/* FULL syncs the WAL at every commit: a generation recorded as applied
	 * must survive a power cut that follows the kernel changes. */
	r = store_exec(st, "PRAGMA synchronous = FULL", "setting synchronous mode", errmsg);
out:
	sqlite3_finalize(s);
	return r;
}

/* The first dangling reference, as "snapshot_routes row 3 -> snapshots". */
static int first_fk_violation(struct store *st, char *buf, size_t size, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	int rc, r = 0;

	buf[0] = '\0';
	r = store_prepare(st, &s, "PRAGMA foreign_key_check", errmsg);
	if (r < 0)
		return r;
	rc = store_step(st, s);
	if (rc == SQLITE_ROW) {
		/* WITHOUT ROWID tables report a NULL rowid. */
		snprintf(buf, size, "%s row %lld refers to a missing %s row",
			 (const char *)sqlite3_column_text(s, 0),
			 (long long)sqlite3_column_int64(s, 1),
			 (const char *)sqlite3_column_text(s, 2));
		r = 1;
	} else if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, "checking foreign keys");
	}
	sqlite3_finalize(s);
	return r;
}

static int migrate(struct store *st, char **errmsg)
{
	char buf[256];
	int rc, r = 0;

	for (size_t i = st->version; i < store_n_migrations; i++) {
		const struct store_migration *m = &store_migrations[i];
		char *sqlerr = NULL;

		if (m->version != i + 1)
			return store_fail(errmsg, -EINVAL,
					  "this hostnet was built with a broken migration list (%s is not version %zu)",
					  m->name, i + 1);
		r = store_tx_begin(st, errmsg);
		if (r < 0)
			return r;
		rc = sqlite3_exec(st->db, m->sql, NULL, NULL, &sqlerr);
		if (rc != SQLITE_OK) {
			r = store_fail(errmsg, errno_from_sqlite(st->db, rc),
				       "state database %s: migration %s failed: %s", st->path,
				       m->name, sqlerr ? sqlerr : sqlite3_errstr(rc));
			sqlite3_free(sqlerr);
			goto fail;
		}
		/* PRAGMA takes no bound parameters; the value is our own number. */
		snprintf(buf, sizeof(buf), "PRAGMA user_version = %u", m->version);
		r = store_exec(st, buf, "recording the schema version", errmsg);
		if (r < 0)
			goto fail;
		r = first_fk_violation(st, buf, sizeof(buf), errmsg);
		if (r > 0)
			r = store_fail(errmsg, -EUCLEAN, "state database %s: migration %s left %s",
				       st->path, m->name, buf);
		if (r < 0)
			goto fail;
		r = store_tx_commit(st, errmsg);
		if (r < 0)
			goto fail;
		st->version = m->version;
	}
	return 0;
fail:
	store_tx_rollback(st);
	return r;
}

/* The database file: a regular file we own that nobody else may write
 * (store-perm.c), opened without following a symbolic link. */
static int check_db_file(struct store *st, char **errmsg)
{
	int fd, r;

	if (st->flags & STORE_WRITE) {
		fd = store_open_private_file(st->path, O_RDWR);
	} else {
		/* O_NONBLOCK: a FIFO under the name must not hang the open. */
		fd = open(st->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			fd = -errno;
	}
	if (fd == -ENOENT && !(st->flags & STORE_WRITE))
		return store_fail(errmsg, -ENOENT, "state database %s does not exist", st->path);
	if (fd == -ELOOP)
		return store_fail(errmsg, -ELOOP,
				  "state database %s is a symbolic link; hostnet refuses it (the link's owner, not the directory's, would choose the file it writes): replace it with the file itself",
				  st->path);
	if (fd < 0)
		return store_fail(errmsg, fd, "cannot %s state database %s: %s",
				  st->flags & STORE_WRITE ? "create" : "open", st->path, strerror(-fd));
	r = store_perm_check_fd(fd, "state database", st->path, false, errmsg);
	close(fd);
	return r;
}

/* The files before SQLite sees them.  The directory is checked before
 * anything is created in it; then, for STORE_WRITE, the lock (taken before
 * the database is touched, so creation and migrations are serialized too)
 * and the database created with mode 0600 by us rather than by SQLite,
 * whatever the umask (SQLite gives -wal and -shm the same mode).
 * STORE_READONLY: the file must exist.  Either way every file SQLite will
 * open must pass store-perm.c's checks. */
static int prepare_files(struct store *st, unsigned lock_timeout_ms, char **errmsg)
{
	char *lock_path = NULL;
	int r;

	if (st->flags & STORE_WRITE) {
		r = make_parent_dirs(st->path, errmsg);
		if (r < 0)
			return r;
	}
	r = store_perm_check_dir(st->path, errmsg);
	if (r == -ENOENT)
		return store_fail(errmsg, r, "state database %s does not exist", st->path);
	if (r < 0)
		return r;
	if (st->flags & STORE_WRITE) {
		if (asprintf(&lock_path, "%s.lock", st->path) < 0)
			return -ENOMEM;
		r = store_lock_acquire(&st->lock_fd, lock_path, lock_timeout_ms, errmsg);
		if (r >= 0)
			r = store_perm_check_fd(st->lock_fd, "lock file", lock_path, false, errmsg);
		free(lock_path);
		if (r < 0)
			return r;
	}
	r = check_db_file(st, errmsg);
	if (r >= 0)
		r = store_perm_check_companions(st->path, errmsg);
	return r;
}

static int quick_check(struct store *st, char **errmsg);

int store_open(struct store **out, const char *path, unsigned flags,
	       const struct store_open_opts *opts, char **errmsg)
{
	static const struct store_open_opts defaults = STORE_OPEN_OPTS_INIT;
	struct store *st = NULL;
	int r;

	if (!opts)
		opts = &defaults;
	if (!path || !*path)
		return store_fail(errmsg, -EINVAL, "no state database path given");
	if (flags != STORE_READONLY && flags != STORE_WRITE)
		return store_fail(errmsg, -EINVAL,
				  "opening %s: exactly one of read-only and write must be asked for", path);
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->lock_fd = -1;
	st->flags = flags;
	st->reserve_bytes = opts->reserve_bytes;
	st->path = strdup(path);
	r = st->path ? prepare_files(st, opts->lock_timeout_ms, errmsg) : -ENOMEM;
	if (r >= 0)
		r = open_sqlite(st, errmsg);
	if (r >= 0)
		r = check_header(st, errmsg);
	/* Before anything is written (WAL mode, migrations, the caller's
	 * records): a damaged file is refused untouched.  It reads every page,
	 * about 5 ms per MB (40 ms for a 7.6 MB
	 * database holding one snapshot of 100,000 routes); the price of never
	 * appending to a file with a bad page the command would not have read. */
	if (r >= 0)
		r = quick_check(st, errmsg);
	if (r >= 0)
		r = configure(st, errmsg);
	if (r >= 0)
		r = migrate(st, errmsg);
	if (r < 0) {
		store_close(st);
		return r;
	}
	*out = st;
	return 0;
}

struct store *store_close(struct store *st)
{
	if (!st)
		return NULL;
	/* Closing the last connection checkpoints the WAL; do it while the
	 * lock is still ours. */
	sqlite3_close_v2(st->db);
	store_lock_release(st->lock_fd);
	free(st->path);
	free(st->damage);
	free(st);
	return NULL;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

unsigned store_schema_version(const struct store *st)
{
	return st->version;
}

unsigned store_schema_version_found(const struct store *st)
{
	return st->version_found;
}

unsigned store_schema_version_latest(void)
{
	return (unsigned)store_n_migrations;
}

/* --- check ------------------------------------------------------------- */

/* Append the problem lines of one integrity_check row to buf: a row may hold
 * several lines, headed by "*** in database main ***", which says nothing. */
static int add_problems(char *buf, size_t size, size_t *len, const char *row)
{
	int n = 0;

	while (row && *row) {
		size_t line = strcspn(row, "\n");

		if (line && strcmp(row, "ok") != 0 && strncmp(row, "*** ", 4) != 0) {
			if (*len < size)
				*len += (size_t)snprintf(buf + *len, size - *len, "%s%.*s",
							 *len ? "; " : "", (int)line, row);
			n++;
		}
		row += line;
		row += *row == '\n';
	}
	return n;
}

/* SQLite's integrity_check or quick_check (`pragma`, with a limit): a few
 * problems say enough.  Damage found marks the store. */
static int run_check(struct store *st, const char *pragma, const char *what, char **errmsg)
{
	sqlite3_stmt *s = NULL;
	char problems[768] = "";
	size_t len = 0;
	int rc, r, n = 0;

	r = store_prepare(st, &s, pragma, errmsg);
	if (r < 0)
		return r;
	while ((rc = store_step(st, s)) == SQLITE_ROW)
		n += add_problems(problems, sizeof(problems), &len,
				  (const char *)sqlite3_column_text(s, 0));
	if (rc != SQLITE_DONE) {
		r = store_fail_sql(st, errmsg, rc, what);
	} else if (n) {
		note_damage(st, what, problems);
		r = store_fail_damaged(st, errmsg);
	}
	sqlite3_finalize(s);
	return r;
}

int store_check(struct store *st, char **errmsg)
{
	char fk[256];
	int r;

	r = run_check(st, "PRAGMA integrity_check(5)", "integrity check", errmsg);
	if (r < 0)
		return r;
	r = first_fk_violation(st, fk, sizeof(fk), errmsg);
	if (r > 0) {
		note_damage(st, "consistency check", fk);
		r = store_fail_damaged(st, errmsg);
	}
	return r < 0 ? r : 0;
}

static int quick_check(struct store *st, char **errmsg)
{
	return run_check(st, "PRAGMA quick_check(5)", "quick check", errmsg);
}
