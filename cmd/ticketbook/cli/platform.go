package cli

import "runtime"

func isUnixLike() bool { return runtime.GOOS != "windows" && runtime.GOOS != "darwin" }
