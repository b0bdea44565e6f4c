# Sourced by .ci/run: Chromium for the gateway's browser test (driven by playwright-core, which
# downloads no browser). Uses LIFELINE_CHROMIUM when set; otherwise installs Debian's chromium
# when no /usr/bin/chromium exists. The test fails under CI when there is still none.
if [ -z "${LIFELINE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "ci: installing chromium from the OS packages"
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { echo "ci: chromium is required and could not be installed" >&2; exit 1; }
fi
if [ -z "${LIFELINE_CHROMIUM:-}" ]; then
  LIFELINE_CHROMIUM="$(command -v chromium || command -v chromium-browser)"
  export LIFELINE_CHROMIUM
fi
export LIFELINE_REQUIRE_CHROMIUM=1
echo "ci: chromium at $LIFELINE_CHROMIUM"
