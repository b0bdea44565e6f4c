/** The AI SDK logs deprecation and compatibility warnings to the console; the tests assert what matters. */
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
