# The two commands: `make run` and `make test`. Each installs what is missing (Debian packages),
# builds, then runs. See README.md.
.PHONY: all deps build run demo test bench fuzz format deb clean

DATA_DIR ?= /var/lib/coastguard

all: build

deps:
	@scripts/install-deps.sh build

build: deps
	@scripts/npm-install.sh
	@cmake --preset release >/dev/null
	@cmake --build --preset release

# Starts the daemon on its embedded defaults (127.0.0.1:8084).
run: build
	./build/release/src/coastguard serve --data-dir $(DATA_DIR)

# The contact-form demo: the form guard end to end at http://127.0.0.1:8084/demo/
demo: build
	@scripts/npm-install.sh
	./build/release/src/coastguard serve --data-dir $(DATA_DIR) --demo examples/contact-form

# The Debian package, unit tests (ASan+UBSan), fuzz smoke runs, end-to-end tests with real
# peers on the packaged binary.
test:
	@scripts/install-deps.sh test
	@scripts/test.sh

bench: build
	@scripts/install-deps.sh bench
	@bench/run.sh

# The Debian package, with Debian's own helpers: build/deb/coastguard_<version>_amd64.deb
deb:
	@scripts/install-deps.sh deb
	@scripts/deb.sh

format:
	@find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
