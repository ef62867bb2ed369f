/*
 * A throw-away GnuPG world for one group of unit tests: a mkdtemp
 * directory (gpg_base) that holds GnuPG homes and fixtures, the gpg
 * command line to fill them, and the teardown that stops their agents
 * and removes everything.  The library under test talks to GnuPG through
 * GPGME only; these helpers run gpg itself, as a peer.
 *
 * Call gpg_home_setup(pattern) in the group setup ("/tmp/NAME-XXXXXX":
 * keep it short, gpg-agent's socket path must fit), gpg_home_dir() for
 * each home, and gpg_home_teardown() in the group teardown.
 */
#ifndef SYMBOLON_TEST_GPG_HOME_H
#define SYMBOLON_TEST_GPG_HOME_H

/* Self-contained: the build may compile a header on its own. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "symbolon/pgp.h"

#define GPG_FPR_LEN (SYM_PGP_FPR_CHARS + 1)
#define GPG_KEYID_LEN (SYM_PGP_KEYID_CHARS + 1)

/* gpg on a home (the first %s), never asking anyone anything. */
#define GPG_BATCH "gpg --homedir '%s' --batch --quiet --no-tty --yes " \
	"--pinentry-mode loopback"
#define QUIET " >/dev/null 2>&1"

#define GPG_HOMES_MAX 4

static char gpg_base[64];       /* everything lives under here */
static char gpg_homes[GPG_HOMES_MAX][128];
static size_t gpg_nhomes;

/* gpg_base/name, in one of 8 rotating buffers; the test fails if it does
 * not fit. */
static inline const char *
at(const char *name)
{
	static char buf[8][256];
	static unsigned next;
	char *p = buf[next++ % 8];
	int n = snprintf(p, 256, "%s/%s", gpg_base, name);

	assert_true(n > 0 && n < 256);
	return p;
}

/* Runs a shell command; returns its exit status (-1 if it did not exit). */
static inline int __attribute__((format(printf, 1, 2)))
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n, status;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof cmd);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline void
spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline void
spit_text(const char *path, const char *text)
{
	spit(path, text, strlen(text));
}

/* The first fingerprint (and key id) of a "pub" (primary) or "sub"
 * record of uid in the keyring of dir. */
static inline void
gpg_colons(char fpr[GPG_FPR_LEN], char keyid[GPG_KEYID_LEN],
    const char *dir, const char *uid, const char *record)
{
	char cmd[512], line[4096];
	FILE *f;
	int want_fpr = 0;

	fpr[0] = '\0';
	if (keyid != NULL)
		keyid[0] = '\0';
	snprintf(cmd, sizeof cmd, "gpg --homedir '%s' --batch --with-colons "
	    "--list-keys '%s' 2>/dev/null", dir, uid);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		char *field[12] = { 0 };
		char *p = line;

		for (int i = 0; i < 12 && p != NULL; i++) {
			field[i] = p;
			p = strchr(p, ':');
			if (p != NULL)
				*p++ = '\0';
		}
		if (strcmp(field[0], record) == 0 && fpr[0] == '\0') {
			if (keyid != NULL && field[4] != NULL)
				snprintf(keyid, GPG_KEYID_LEN, "%s", field[4]);
			want_fpr = 1;
		} else if (want_fpr && strcmp(field[0], "fpr") == 0 &&
		    field[9] != NULL) {
			snprintf(fpr, GPG_FPR_LEN, "%s", field[9]);
			want_fpr = 0;
		}
	}
	pclose(f);
	assert_int_equal(strlen(fpr), SYM_PGP_FPR_CHARS);
}

/* Makes gpg_base from pattern (ends in XXXXXX); 0 or -1. */
static inline int
gpg_home_setup(const char *pattern)
{
	if (snprintf(gpg_base, sizeof gpg_base, "%s", pattern) >=
	    (int)sizeof gpg_base || mkdtemp(gpg_base) == NULL) {
		gpg_base[0] = '\0';
		return -1;
	}
	return 0;
}

/* gpg_base/name as a GnuPG home whose agent the teardown stops; made
 * (mode 0700) if mkdir, else left for gpg (or a script) to make.  NULL
 * if it does not fit or cannot be made. */
static inline const char *
gpg_home_dir(const char *name, int mkdir_it)
{
	char *dir;

	if (gpg_nhomes == GPG_HOMES_MAX)
		return NULL;
	dir = gpg_homes[gpg_nhomes];
	if (snprintf(dir, sizeof gpg_homes[0], "%s/%s", gpg_base, name) >=
	    (int)sizeof gpg_homes[0] || (mkdir_it && mkdir(dir, 0700) != 0))
		return NULL;
	gpg_nhomes++;
	return dir;
}

/* Stops the agents of the homes and removes gpg_base. */
static inline int
gpg_home_teardown(void)
{
	if (gpg_base[0] == '\0')
		return 0;
	for (size_t i = 0; i < gpg_nhomes; i++)
		(void)run("GNUPGHOME='%s' gpgconf --kill gpg-agent" QUIET,
		    gpg_homes[i]);
	(void)run("rm -rf '%s'", gpg_base);
	return 0;
}

#endif
