import fastJson from 'fast-json-stringify'
import fp from 'fastify-plugin'
import { validatorCompiler } from 'fastify-type-provider-zod'
import { type ZodType, z } from 'zod'
import { serializationSchema } from '../../lib/serialization-schema.js'

/**
 * zod schemas validate requests; responses are written by fast-json-stringify from the JSON
 * Schema of the route's zod response schema, compiled once per route. Only declared properties
 * are written, so nothing the schema does not name can leak; unlike a zod encode, output values
 * are not re-validated (the encode was ~18 µs of every cached entity read in the profile), and
 * the schema is first reduced to what writing needs (`serializationSchema`).
 */
export default fp(async (fastify) => {
  fastify.setValidatorCompiler(validatorCompiler)
  fastify.setSerializerCompiler(({ schema }) =>
    fastJson(serializationSchema(z.toJSONSchema(schema as ZodType, { io: 'output', target: 'draft-7', unrepresentable: 'any' })) as never))
}, { name: 'validation' })
