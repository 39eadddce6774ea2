// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "read_whole.h"

/* /proc files report st_size 0, so grow until read() says EOF. */
char *read_whole(const char *path, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	struct stat st;
	char *buf, *nb;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* Room for the text, its NUL, and the read() that reports EOF. */
	if (!fstat(fd, &st) && st.st_size > 0)
		cap = (size_t)st.st_size + 2;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	r = errno;
	free(buf);
	close(fd);
	errno = (int)r;
	return NULL;
}
