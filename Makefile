# lazytrace: one Makefile for the tracer, its tests and the VM harness.
#   make            build/lazytrace: one static x86_64 binary, BPF object
#                   embedded, metrics server included
#   make ARCH=arm64 build/arm64/{lazytrace,nbcount,workloads/*}, static aarch64
#                   (cross: aarch64-linux-gnu-gcc, vmlinux/arm64, libs :arm64)
#   make deb        build/deb/lazytrace_<version>_<arch>.deb (debian/)
#   make image      build/image/lazytrace-oci.tar: an OCI image from scratch
#   make deps       install the Debian build and test dependencies
#   make demo       deps + build + boot a Debian 7.x kernel and trace a workload
#   make demo-xen   the same on Debian's 6.12 as Xen PV dom0 (pre-7.0 errors)
#   make test       deps + unit, host live, golden, report, metrics, install, VM,
#                   sanitizer and fuzz smoke tests, benchmark smoke run
#   make install    build/lazytrace, man page, bash completion
#                   (DESTDIR=, prefix=/usr/local)
#   make bench      overhead and throughput benchmarks (docs/PERFORMANCE.md)
#   make fuzz       libFuzzer targets fuzz/fuzz_*.c -> build/fuzz/ (docs/FUZZING.md)
#   make asan       build/asan/: the loader and unit tests under ASan+UBSan

ARCH ?= x86
OUT := build
CLANG ?= clang-19
BPFTOOL ?= bpftool
CC ?= gcc

ifeq ($(ARCH),arm64)
  BPF_ARCH := arm64
  VMLINUX_DIR ?= vmlinux/arm64
  OUT := build/arm64
  CC := aarch64-linux-gnu-gcc
else
  BPF_ARCH := x86
  VMLINUX_DIR ?= vmlinux/x86
endif

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
# The version has one home, the package's: debian/changelog (scripts/version.sh).
LT_VERSION := $(shell scripts/version.sh)
# user/: the loader, one folder a stage of the flow from a kernel event to
# each output (docs/ARCHITECTURE.md). Headers are included by name.
USER_DIRS := user user/common user/discover user/load user/collect \
	user/policy user/output user/metrics user/report
USER_INC := $(addprefix -I,$(USER_DIRS))
USER_CFLAGS := $(CFLAGS) $(CPPFLAGS) $(WARN) -I$(OUT) $(USER_INC) -Ibpf -DLT_VERSION='"$(LT_VERSION)"'
LIBS := -lbpf -lelf -lz -lzstd -ljson-c -lcap
LDFLAGS_STATIC := -static

BPF_SRC := bpf/lazytrace.bpf.c
BPF_HDRS := $(wildcard bpf/*.h)
USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_HDRS := $(wildcard user/*.h user/*/*.h)
USER_OBJS := $(patsubst user/%.c,$(OUT)/user/%.o,$(USER_SRCS))
# The metrics server links libmicrohttpd built without HTTPS from
# Debian's source package (scripts/build-mhd.sh says why): Debian's own
# static archive needs gnutls, whose chain has no static archives.
MHD_DIR ?= $(OUT)/mhd
MHD_LIB := $(MHD_DIR)/lib/libmicrohttpd.a
MHD_HOST := $(if $(filter arm64,$(ARCH)),aarch64-linux-gnu)
HTTP_OBJS := $(OUT)/user/metrics/http_server.o
# The protobuf exposition: the server and its unit test link it.
PB_GEN := $(OUT)/pb/prom_metrics.pb-c
PB_OBJS := $(OUT)/user/metrics/metrics_pb.o $(PB_GEN).o
LIB_OBJS := $(filter-out $(OUT)/user/main.o $(HTTP_OBJS) $(PB_OBJS),$(USER_OBJS))

WORKLOADS := $(patsubst tests/workloads/%.c,$(OUT)/workloads/%,$(wildcard tests/workloads/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/unit/%,$(wildcard tests/unit/test_*.c))

.PHONY: all bin arm64 deps demo demo-xen test unit-test host-test vm-test clean workloads vmlinux
.PHONY: install metrics-test install-test report-test golden-test deb image package-test
.PHONY: bench bench-smoke bench-loader bench-watch field
.PHONY: fuzz fuzz-smoke fuzz-long asan asan-test

all: $(OUT)/lazytrace

# The binary alone (debian/rules): no workloads on arm64.
bin: $(OUT)/lazytrace
ifeq ($(ARCH),arm64)
# The arm64 build exists for the arm64 VM test: it ships everything the
# guest runs.
all: workloads
endif

$(OUT)/lazytrace.bpf.o: $(BPF_SRC) $(BPF_HDRS) $(VMLINUX_DIR)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -fms-extensions -Wno-microsoft-anon-tag \
		-I$(VMLINUX_DIR) -Ibpf -c $< -o $@

$(OUT)/lazytrace.skel.h: $(OUT)/lazytrace.bpf.o
	$(BPFTOOL) gen skeleton $< name lazytrace_bpf > $@

$(OUT)/user/%.o: user/%.c $(USER_HDRS) bpf/lazytrace.h $(OUT)/lazytrace.skel.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

# io.prometheus.client messages (user/metrics/prom_metrics.proto), by protoc-c.
$(PB_GEN).c $(PB_GEN).h: user/metrics/prom_metrics.proto
	@mkdir -p $(@D)
	protoc-c --c_out=$(@D) --proto_path=user/metrics $<

$(PB_GEN).o: $(PB_GEN).c $(PB_GEN).h
	$(CC) $(CFLAGS) -c $< -o $@

$(PB_OBJS) $(HTTP_OBJS): $(PB_GEN).h
$(OUT)/user/metrics/metrics_pb.o: USER_CFLAGS += -I$(OUT)/pb
$(HTTP_OBJS): $(MHD_LIB)
$(HTTP_OBJS): USER_CFLAGS += -I$(MHD_DIR)/include
$(OUT)/user/discover/cli.o $(OUT)/user/metrics/metrics.o: debian/changelog

$(MHD_LIB): scripts/build-mhd.sh
	scripts/build-mhd.sh $(MHD_DIR) $(MHD_HOST)

$(OUT)/lazytrace: $(LIB_OBJS) $(OUT)/user/main.o $(HTTP_OBJS) $(PB_OBJS) $(MHD_LIB)
	$(CC) $(LDFLAGS_STATIC) -o $@ $^ $(LIBS) -lprotobuf-c -lm

# ---- workloads and the independent ground-truth counter (VM tests) ----

workloads: $(WORKLOADS) $(OUT)/nbcount
ifneq ($(ARCH),arm64)
workloads: $(OUT)/xencount
endif
workloads: $(OUT)/lt-inject

# The injection module's driver (the module itself: scripts/build-kmod.sh).
$(OUT)/lt-inject: tests/kmod/lt-inject.c
	$(CC) -O2 -static -Wall -o $@ $<

$(OUT)/workloads/%: tests/workloads/%.c tests/workloads/wl.h
	@mkdir -p $(@D)
	$(CC) -O2 -static -Wall -o $@ $<

# The ground-truth counters: nbcount (tlb_next_batch inside sections)
# and, for the Xen PV dom0 tests, xencount (kprobes, the per-cpu mode).
COUNTERS := $(OUT)/nbcount $(OUT)/xencount

$(COUNTERS:%=%.bpf.o): $(OUT)/%.bpf.o: tests/vm/%.bpf.c $(VMLINUX_DIR)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -fms-extensions -Wno-microsoft-anon-tag \
		-I$(VMLINUX_DIR) -c $< -o $@

$(COUNTERS:%=%.skel.h): %.skel.h: %.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(COUNTERS): $(OUT)/%: tests/vm/%.c tests/vm/counter.h $(OUT)/%.skel.h
	$(CC) -O2 -static -Wall -I$(OUT) -o $@ $< -lbpf -lelf -lz -lzstd

# ---- the user-space model traced through uprobes (docs/MODEL.md) ----
# Frame pointers in every function: a uprobe at an entry that starts with
# "push %rbp" gets its caller into the stack (6.12+). No PIE, so ELF
# addresses are run-time addresses.
# clang: gcc 12 drops the frame of trivial leaf functions even when told not to.
MODEL_CC := $(CLANG)
MODEL_CFLAGS := -O1 -g -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-inline -fno-pie -static -pthread

models: $(OUT)/model/lt-model-pre7 $(OUT)/model/lt-model-v7

$(OUT)/model/lt-model-pre7: tests/model/lazymodel.c
	@mkdir -p $(@D)
	$(MODEL_CC) $(MODEL_CFLAGS) -o $@ $<

$(OUT)/model/lt-model-v7: tests/model/lazymodel.c
	@mkdir -p $(@D)
	$(MODEL_CC) $(MODEL_CFLAGS) -DMODEL_V7 -o $@ $<

# ---- tests ----

$(OUT)/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIB_OBJS) -lcmocka $(LIBS)

# The protobuf encoder's test decodes with the generated code.
$(OUT)/unit/test_metrics_pb: tests/unit/test_metrics_pb.c $(LIB_OBJS) $(PB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -I$(OUT)/pb -o $@ $< $(LIB_OBJS) $(PB_OBJS) \
		-lcmocka $(LIBS) -lprotobuf-c -lm

unit-test: $(UNIT_TESTS) $(OUT)/fixture_btf.o
	LT_FIXTURES=tests/fixtures LT_BUILD=$(OUT) tests/unit/run.sh $(UNIT_TESTS)

$(OUT)/fixture_btf.o: tests/fixtures/fixture_btf.c
	$(CLANG) -g -O0 -target bpf -c $< -o $@

host-test: all workloads $(OUT)/fixture_btf.o
	tests/host/run.sh

model-test: all models
	tests/model/run.sh

# Golden output files (tests/golden): text, JSON, plan, metrics, help and
# report output byte for byte, what must vary normalized.
golden-test: all models
	tests/golden/run.sh

# lazytrace report on the committed real VM traces, in headless Chromium.
report-test: all models
	tests/report/run.sh

# A real Prometheus scrapes lazytrace; hostile HTTP; capability drop.
metrics-test: all workloads models
	tests/metrics/run.sh

install-test: $(OUT)/lazytrace
	tests/install/run.sh

# The Debian package and the container image, both from build/lazytrace.
deb: $(OUT)/lazytrace
	scripts/build-deb.sh

image: $(OUT)/lazytrace
	scripts/build-image.sh

package-test: deb image
	tests/package/run.sh

# The x86 tree, then the arm64 cross build for the arm64 VM test.
arm64:
	$(MAKE) ARCH=arm64

vm-test: all workloads arm64
	tests/vm/run.sh

# ---- fuzzing and sanitizers (docs/FUZZING.md) ----
# Sanitized builds link dynamically: the ASan runtime needs it.
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_CFLAGS := $(SAN_FLAGS) $(WARN) -I$(OUT) $(USER_INC) -Ibpf -DLT_VERSION='"$(LT_VERSION)"'
FUZZ_OBJS := $(patsubst $(OUT)/user/%,$(OUT)/fuzzobj/%,$(LIB_OBJS))
FUZZ_TARGETS := $(patsubst fuzz/%.c,$(OUT)/fuzz/%,$(wildcard fuzz/fuzz_*.c))
ASAN_OUT := build/asan

$(OUT)/fuzzobj/%.o: user/%.c $(USER_HDRS) bpf/lazytrace.h $(OUT)/lazytrace.skel.h
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(OUT)/fuzz/%: fuzz/%.c fuzz/fuzz.h $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LIBS) -lm

# Pattern-rule inputs are intermediate to make: keep them between builds.
.SECONDARY: $(FUZZ_OBJS)

fuzz: $(FUZZ_TARGETS)

# A short run of every target over its corpus; finds go to build/fuzz/.
fuzz-smoke: fuzz
	fuzz/run.sh -runs=50000 -max_total_time=10 -- $(FUZZ_TARGETS)

# The recorded campaign (docs/FUZZING.md): FUZZ_RUNS executions a target.
FUZZ_RUNS ?= 1000000
fuzz-long: fuzz
	FUZZ_OUT=build/fuzz-long fuzz/run.sh -runs=$(FUZZ_RUNS) -- $(FUZZ_TARGETS)

# The same tree in $(ASAN_OUT), compiled and linked with the sanitizers.
asan:
	$(MAKE) OUT=$(ASAN_OUT) CC=$(CLANG) CFLAGS='$(SAN_FLAGS)' \
		LDFLAGS_STATIC='$(SAN_FLAGS)' MHD_DIR=$(OUT)/mhd $(ASAN_OUT)/lazytrace \
		$(patsubst $(OUT)/%,$(ASAN_OUT)/%,$(UNIT_TESTS)) $(ASAN_OUT)/fixture_btf.o

asan-test: asan workloads models
	tests/sanitize/run.sh $(ASAN_OUT)

test: deps unit-test host-test model-test golden-test report-test metrics-test install-test \
	package-test \
	vm-test asan-test fuzz-smoke bench-smoke

# Not a test: the figures of docs/PERFORMANCE.md. The smoke run checks only
# that the benchmark runs and gives well-formed tables.
# Not a test either: the full stress-ng sweep on every kernel of the matrix
# (7.2 amd64, arm64, RT and 16K; Xen PV dom0 6.12, 6.1 and 7.2), whose results are
# docs/FIELD.md. make test runs a bounded subset (tests/vm/run.sh).
FIELD_VMS := stress-sid stress-sid-arm64 stress-sid-rt stress-sid-arm64-16k \
	stress-xen-trixie stress-xen-bookworm stress-xen-sid
field: all workloads arm64
	LT_VM_OUT=build/field LT_STRESS_LIST=tests/vm/stress-full.txt LT_STRESS_ALL=1 \
		LT_VM_ONLY="$(FIELD_VMS)" tests/vm/run.sh; rc=$$?; \
	tests/vm/field_md.py build/field >build/field/tables.md; exit $$rc

bench: all workloads models
	scripts/bench.sh

bench-smoke: all workloads models
	scripts/bench.sh --smoke

# The cost of --boundaries watch, per section and per workload (a
# benchmark too: docs/PERFORMANCE.md).
bench-watch: all workloads
	scripts/bench-watch.sh

# The loader's instructions per streamed finding (docs/PERFORMANCE.md):
# callgrind counts instructions, so the figure does not depend on load.
$(OUT)/bench/finding_cost: bench/finding_cost.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS)

bench-loader: $(OUT)/bench/finding_cost
	bench/finding_cost.sh $<

deps:
	scripts/install-deps.sh

demo: deps all workloads
	scripts/demo.sh

# The same on trixie's 6.12 as Xen PV dom0 (about 2 min more to boot).
demo-xen: deps all workloads
	scripts/demo.sh --xen

vmlinux:
	scripts/gen-vmlinux.sh $(BPF_ARCH)

prefix ?= /usr/local
install: $(OUT)/lazytrace
	install -D -m 0755 $< $(DESTDIR)$(prefix)/sbin/lazytrace
	install -D -m 0644 docs/lazytrace.8 $(DESTDIR)$(prefix)/share/man/man8/lazytrace.8
	install -D -m 0644 completion/lazytrace.bash \
		$(DESTDIR)$(prefix)/share/bash-completion/completions/lazytrace

clean:
	rm -rf build
