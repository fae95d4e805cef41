-- GET of the URL on wrk's command line, as an anonymous visitor (no cookies).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
