import { Global, Module } from '@nestjs/common';
import { ModelCatalog } from './model-catalog.service';

/** The account's models and their premium multipliers. */
@Global()
@Module({ providers: [ModelCatalog], exports: [ModelCatalog] })
export class ModelsModule {}
