# Sourced by the project's scripts: exports JAVA_HOME pointing at a JDK >= 21.
# Looks at JAVA_HOME, then `java` on PATH, then the usual JDK folders; stops with a clear message otherwise.
# Usage: source scripts/lib/jdk.sh

_jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local release="$1/release" v
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

_jdk_candidates() {
  [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME"
  if command -v javac >/dev/null 2>&1; then
    dirname "$(dirname "$(readlink -f "$(command -v javac)")")"
  fi
  local d
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$d" ] && echo "$d"
  done
}

_jdk_select() {
  local best="" best_v=0 c v
  while IFS= read -r c; do
    v=$(_jdk_major "$c")
    [ -n "$v" ] || continue
    # JAVA_HOME wins when it is good enough; otherwise take the newest found.
    if [ "$c" = "${JAVA_HOME:-}" ] && [ "$v" -ge 21 ]; then best="$c"; best_v="$v"; break; fi
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
  done < <(_jdk_candidates)
  if [ -z "$best" ]; then
    echo "error: no JDK >= 21 found (looked at JAVA_HOME, javac on PATH, /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks)." >&2
    echo "       Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

_jdk_select || exit 1

if ! command -v mvn >/dev/null 2>&1; then
  echo "error: Maven (mvn) not found on PATH; install Maven 3.8+ ('apt-get install maven')." >&2
  exit 1
fi
