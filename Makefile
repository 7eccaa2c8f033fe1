# The two commands: `make run` and `make test`. Each installs what is missing (Debian packages),
# builds, then runs. See README.md.
.PHONY: all deps build run demo test bench fuzz format deb clean

DATA_DIR ?= /var/lib/coastguard

all: build

deps:
	@scripts/install-deps.sh

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

# Unit tests (release and ASan+UBSan), fuzz smoke runs, end-to-end tests with real peers.
test: deps
	@scripts/test.sh

bench: build
	@bench/run.sh

# The Debian package, with Debian's own helpers: build/deb/coastguard_<version>_amd64.deb
# (dpkg-buildpackage writes into the parent directory; the files are moved here).
deb: deps
	@scripts/npm-install.sh
	# debhelper points HOME at a temporary directory: keep ccache's own cache
	CCACHE_DIR=$${CCACHE_DIR:-$$HOME/.ccache} dpkg-buildpackage -b -us -uc -jauto
	@mkdir -p build/deb
	@mv ../coastguard_*_amd64.deb ../coastguard-dbgsym_*_amd64.deb ../coastguard_*_amd64.buildinfo \
	  ../coastguard_*_amd64.changes build/deb/
	@ls build/deb/*.deb

format:
	@find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
