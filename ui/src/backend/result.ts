/** The shape of a command that can fail, as the generated bindings return it. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
