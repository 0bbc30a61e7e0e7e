import type { Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';
import { ACCOUNT, onlyResource, REGION } from './synth';

const part = z.union([
  z.string(),
  z.strictObject({ Ref: z.string() }),
  z.strictObject({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }),
]);
const joinedDefinition = z.strictObject({ 'Fn::Join': z.tuple([z.literal(''), z.array(part)]) });

const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

function render(value: z.infer<typeof part>): string {
  if (typeof value === 'string') return value;
  if ('Ref' in value) {
    const pseudo = PSEUDO_PARAMETERS[value.Ref];
    if (pseudo === undefined) throw new Error(`unexpected Ref ${value.Ref} in the definition`);
    return pseudo;
  }
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${value['Fn::GetAtt'][0]}`;
}

export const AslState = z.looseObject({ Type: z.string() });
export type AslState = z.infer<typeof AslState>;
const AslDefinition = z.looseObject({ StartAt: z.string(), States: z.record(z.string(), AslState) });
export type AslDefinition = z.infer<typeof AslDefinition>;

/** The state machine definition as synthesized, its tokens replaced by realistic ARNs of this test env. */
export function definitionFromTemplate(template: Template): unknown {
  const machine = onlyResource(template, 'AWS::StepFunctions::StateMachine');
  const parts = joinedDefinition.parse(machine.Properties['DefinitionString'])['Fn::Join'][1];
  return JSON.parse(parts.map(render).join('')) as unknown;
}

export function parsedDefinition(template: Template): AslDefinition {
  return AslDefinition.parse(definitionFromTemplate(template));
}

/** Every state of the definition by name, nested Map and Parallel states included. */
export function allStates(definition: { States: Record<string, AslState> }): Map<string, AslState> {
  const states = new Map<string, AslState>();
  const nested = z.object({ States: z.record(z.string(), AslState) });
  const visit = (graph: { States: Record<string, AslState> }): void => {
    for (const [name, state] of Object.entries(graph.States)) {
      states.set(name, state);
      const processor = nested.safeParse(state['ItemProcessor']);
      if (processor.success) visit(processor.data);
      const branches = z.array(nested).safeParse(state['Branches']);
      if (branches.success) for (const branch of branches.data) visit(branch);
    }
  };
  visit(definition);
  return states;
}
