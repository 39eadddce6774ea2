// SPDX-License-Identifier: GPL-2.0
/*
 * Function symbols of a user-space ELF (the uprobe target), rendered as
 * kallsyms text so that one parser and one lookup serve both: the catalog
 * finds the model's "kernel" functions and stacks get symbolized with the
 * same code. Addresses are link-time ones; the model is built -no-pie so
 * they are also the run-time ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "elfsyms.h"

/* A name that cannot break the kallsyms line it is written into: a
 * newline in it would add a line, a symbol the ELF does not have. */
static bool plain_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if ((unsigned char)*name <= ' ' || *name == 0x7f)
			return false;
	return true;
}

static int render(Elf *elf, FILE *out)
{
	Elf_Scn *scn = NULL;
	int found = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		/* sh_entsize 0 divided by zero (fuzz/corpus/elfsyms/crash-*) */
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, i, &sym) || !sym.st_value ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && plain_name(name)) {
				fprintf(out, "%016llx t %s\n",
					(unsigned long long)sym.st_value, name);
				found++;
			}
		}
	}
	return found;
}

struct lt_ksyms *elfsyms_from_image(char *image, size_t size)
{
	struct lt_ksyms *ks = NULL;
	char *text = NULL;
	size_t len = 0;
	Elf *elf = NULL;
	FILE *out;
	int found, err = ENOEXEC;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	out = open_memstream(&text, &len);
	elf = elf_memory(image, size);
	if (!out || !elf || elf_kind(elf) != ELF_K_ELF) {
		err = out ? ENOEXEC : errno;
		if (out)
			fclose(out);
		free(text);
		goto out;
	}
	found = render(elf, out);
	fclose(out);	/* text is complete and NUL-terminated now */
	if (found <= 0) {	/* stripped, or not an executable */
		free(text);
		goto out;
	}
	ks = ksyms_from_text(text, len);
	err = ks ? 0 : errno;
out:
	if (elf)
		elf_end(elf);
	errno = err;
	return ks;
}

/* A private mapping: libelf reads what it needs (a browser binary is
 * hundreds of MB) and may write into its image without touching the file. */
struct lt_ksyms *elfsyms_load(const char *path)
{
	struct lt_ksyms *ks = NULL;
	struct stat st;
	void *map;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		err = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		err = ENOEXEC;
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		err = errno;
		goto out;
	}
	ks = elfsyms_from_image(map, (size_t)st.st_size);
	err = errno;
	munmap(map, (size_t)st.st_size);
out:
	close(fd);
	errno = err;
	return ks;
}
