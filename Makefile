# The front door. `make demo` and `make test` work on a fresh machine: both install what is missing.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= 2
CMAKE_FLAGS ?=
# ccache (used when installed) keys objects on paths relative to the checkout, so worktrees share them.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all deps build test unit integration demo asan fuzz bench-setup clean format

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	@cmake --build $(BUILD) -j$(JOBS)

# Unit tests (GoogleTest), then integration tests (tests/run), which drive the built binary.
test: build
	$(BUILD)/cairn_tests --gtest_brief=1
	tests/run $(BUILD)/cairn

unit: build
	$(BUILD)/cairn_tests --gtest_brief=1

demo: build
	@scripts/demo $(BUILD)/cairn

# DuckDB, the peer in benchmarks (bench/README.md). `bench/run NAME` runs one benchmark.
bench-setup: deps
	@bench/setup

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCAIRN_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 $(ASAN_BUILD)/cairn_tests --gtest_brief=1

# libFuzzer targets (src/**/*_fuzz.cc), built with clang and ASan/UBSan, each run FUZZ_SECONDS
# from the seed corpora in tests/fuzz/ (tests/fuzz/run). Not part of `make test`.
fuzz:
	@scripts/install-deps --fuzz
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCAIRN_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz_targets
	tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
