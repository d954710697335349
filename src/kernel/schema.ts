// A strict JSON integer for request bodies and responses. Elysia's `t.Integer` is a transform that also accepts an
// integer-looking string ("3") and says so in the OpenAPI document (anyOf string | integer); it is right for query
// strings (`?limit=20` arrives as text) and wrong everywhere else: a body's quantity must be a number, and a
// response schema with a transform is walked by TypeBox's Encode on every response instead of a compiled check
// (measured: ~4% of a checkout's CPU). Query schemas keep `t.Integer`.
import { Type, type IntegerOptions, type TInteger } from "@sinclair/typebox";

export const Int = (options?: IntegerOptions): TInteger => Type.Integer(options);
