# The two commands: `make demo` (run) and `make test` (test). Everything else
# here is a step of those two.
.PHONY: demo test deps build asan tsan bench clean

JOBS ?= $(shell nproc)

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.configure.log || (cat build.configure.log; exit 1)
	@rm -f build.configure.log
	cmake --build build -j $(JOBS)

test: deps
	@scripts/test.sh

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench.sh

clean:
	rm -rf build
