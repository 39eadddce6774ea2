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
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "elfsyms.h"

static int render(Elf *elf, FILE *out)
{
	Elf_Scn *scn = NULL;
	int found = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, i, &sym) || !sym.st_value ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (name && *name) {
				fprintf(out, "%016llx t %s\n",
					(unsigned long long)sym.st_value, name);
				found++;
			}
		}
	}
	return found;
}

struct lt_ksyms *elfsyms_load(const char *path)
{
	struct lt_ksyms *ks = NULL;
	char *text = NULL;
	size_t len = 0;
	Elf *elf = NULL;
	FILE *out;
	int fd, found, err = ENOEXEC;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	out = open_memstream(&text, &len);
	elf = elf_begin(fd, ELF_C_READ, NULL);
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
	close(fd);
	errno = err;
	return ks;
}
