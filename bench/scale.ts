export async function runScale({ work }: { work: string }): Promise<string> {
  return `scale: todo ${work}`;
}
